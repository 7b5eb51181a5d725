//! Test support for stores and hosts (feature `testkit`): the conformance suite every store must
//! pass, a seeded dataset generator, a small scenario builder, and test doubles of the service's
//! ports ([`FixedClock`], [`FakeRegistry`], [`RecordingSender`]).
//!
//! A store crate runs the whole suite with one macro call:
//!
//! ```ignore
//! async fn fresh_store() -> valghalla_core::store::DynStore { /* a new, empty store */ }
//! valghalla_core::conformance_tests!(
//!     fresh_store,
//!     capabilities = valghalla_core::testkit::conformance::Capabilities::ENFORCING_REFERENCES
//! );
//! ```
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test support: a failed expectation is a failed test"
)]

pub mod conformance;
mod doubles;
pub mod generator;
pub mod scenario;

pub use doubles::{FakeRegistry, FixedClock, RecordingSender};

pub use proptest;
pub use tokio;

/// Generates one `#[test]` per conformance check for a store. `$fresh` is an
/// `async fn() -> DynStore` returning a new, empty store each time it is called; the store's
/// [`Capabilities`](conformance::Capabilities) follow `capabilities =` (none beyond the contract
/// when left out).
///
/// For a store that needs a server, write `conformance_tests!(skippable: fresh, …)` with
/// `async fn fresh() -> Option<DynStore>`: when it returns `None` the test prints that it was
/// skipped and returns (decide in `fresh` whether a skip is allowed, e.g. by an env variable).
#[macro_export]
macro_rules! conformance_tests {
    (skippable: $fresh:path, capabilities = $caps:expr) => {
        $crate::conformance_tests!(@list $fresh; skippable; $caps);
    };
    (skippable: $fresh:path) => {
        $crate::conformance_tests!(@list $fresh; skippable;
            $crate::testkit::conformance::Capabilities::CONTRACT);
    };
    ($fresh:path, capabilities = $caps:expr) => {
        $crate::conformance_tests!(@list $fresh; always; $caps);
    };
    ($fresh:path) => {
        $crate::conformance_tests!(@list $fresh; always;
            $crate::testkit::conformance::Capabilities::CONTRACT);
    };
    (@store $fresh:path; always) => {
        $fresh().await
    };
    (@store $fresh:path; skippable) => {
        match $fresh().await {
            Some(store) => store,
            None => {
                { use std::io::Write as _; let _ = writeln!(std::io::stderr(), "SKIPPED: the store under test is not available"); };
                return;
            }
        }
    };
    (@list $fresh:path; $mode:ident; $caps:expr) => {
        $crate::conformance_tests!(@async $fresh; $mode;
            // store
            puts_get_versions,
            every_precondition_is_checked,
            communication_settings_round_trip,
            preconditions_are_all_or_nothing,
            a_key_written_twice_is_refused,
            read_and_apply_reads_decides_and_writes,
            touch_and_delete,
            one_participant_per_cpr_and_one_link_per_token,
            queries_select_what_the_memory_store_selects,
            // log
            audit_and_outbox_are_written_with_the_change,
            audit_and_outbox_answer_as_the_memory_store_does,
            outbox_delivery_is_optimistic_and_purgeable,
            audit_log_filters_and_purges,
            // service
            invite_accept_withdraw_through_the_service,
            calendar_entries_are_stored_with_their_messages,
            overview_counts_match_hand_counts,
            participant_queries_match_hand_counts,
            unauthorised_actors_change_nothing,
            // races
            racing_writers_of_one_version_have_one_winner,
            concurrent_takers_fill_exactly_the_free_seats,
            concurrent_bookings_of_one_person_admit_one,
            concurrent_edits_lose_no_update,
            // threads
            threads_are_stored_and_selected_by_participant,
            threads_converse_through_the_service,
            // notes
            notes_are_stored_and_selected_by_participant,
            notes_are_the_secretariats_through_the_service,
            // election day
            an_election_morning_through_the_service,
            concurrent_reserves_take_an_offered_seat_once,
            a_reserve_racing_for_two_overlapping_seats_gets_one,
            election_day_commands_are_authorised,
            only_reserves_who_may_take_a_seat_are_offered_it
        );
        $crate::conformance_tests!(@capable $fresh; $mode; $caps;
            references_are_enforced_as_stated
        );
        #[test]
        fn model_based_against_the_memory_store() {
            $crate::conformance_tests!(@model $fresh; $mode);
        }
    };
    (@model $fresh:path; always) => {
        $crate::testkit::conformance::model_based(|| $fresh());
    };
    (@model $fresh:path; skippable) => {
        let available = $crate::testkit::tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(async { $fresh().await.is_some() });
        if !available {
            { use std::io::Write as _; let _ = writeln!(std::io::stderr(), "SKIPPED: the store under test is not available"); };
            return;
        }
        $crate::testkit::conformance::model_based(|| async {
            $fresh().await.expect("the store was available a moment ago")
        });
    };
    (@async $fresh:path; $mode:ident; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let runtime = $crate::testkit::tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(4)
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                runtime.block_on(async {
                    let store = $crate::conformance_tests!(@store $fresh; $mode);
                    $crate::testkit::conformance::$name(store).await;
                });
            }
        )*
    };
    (@capable $fresh:path; $mode:ident; $caps:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let runtime = $crate::testkit::tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(4)
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                runtime.block_on(async {
                    let store = $crate::conformance_tests!(@store $fresh; $mode);
                    $crate::testkit::conformance::$name(store, $caps).await;
                });
            }
        )*
    };
}
