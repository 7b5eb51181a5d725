//! Rough timings of the hot paths on a file database (printed with `--nocapture`): an invite
//! change set (seat put, participant touch, audit entry, outbox message) and the staffing
//! overview's read of every seat of an election. The bounds are loose: they catch a missing
//! index or a per-call reconnect, not a few percent.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use valghalla_core::model::*;
use valghalla_core::store::{Change, ChangeSet, Expect, Query, Store};
use valghalla_store_sqlite::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_and_overview_timings() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("timing.db")).unwrap();
    let world = World::new();
    store.apply(world.change_set()).await.unwrap();
    let election = world.elections[0].id;
    let seats: Vec<Seat> = (0..2_400)
        .map(|i| Seat::vacant(world.slot((i % 24) * 2)))
        .collect();
    let people: Vec<Participant> = (0..200)
        .map(|i| {
            let number = format!("0101{:02}{:04}", 50 + i / 100, 1000 + i);
            participant(
                valghalla_core::Cpr::parse(&number).unwrap(),
                &[world.teams[0].id],
            )
        })
        .collect();
    let mut records: Vec<Record> = seats.iter().cloned().map(Record::Seat).collect();
    records.extend(people.iter().cloned().map(Record::Participant));
    store.apply(puts(records, Expect::Absent)).await.unwrap();

    let n = people.len();
    let started = Instant::now();
    for i in 0..n {
        let mut seat = seats[i].clone();
        let p = &people[i];
        seat.state = invited(p.id);
        let cs = ChangeSet {
            changes: vec![
                Change {
                    op: Op::Put(Record::Seat(seat)),
                    expect: Expect::Version(1),
                },
                Change {
                    op: Op::Touch(RecordKey::Participant(p.id)),
                    expect: Expect::Version(1),
                },
            ],
            audit: vec![audit(i as i64, Some(p.id), Some(election))],
            messages: vec![message(i as i64, p.id, Some(election))],
        };
        store.apply(cs).await.unwrap();
    }
    let invite = started.elapsed() / n as u32;

    let started = Instant::now();
    for _ in 0..10 {
        let all = store
            .query(&Query::SeatsOfElection(election))
            .await
            .unwrap();
        assert_eq!(all.len(), 2_400);
    }
    let overview = started.elapsed() / 10;
    eprintln!(
        "invite change set: {invite:?} per apply ({n} applies); overview of 2,400 seats: {overview:?} per read"
    );
    assert!(invite < Duration::from_millis(250), "{invite:?}");
    assert!(overview < Duration::from_secs(2), "{overview:?}");
    store.close().await;
}
