//! Crash safety: a child process writing one large change set is killed with SIGKILL at several
//! moments; the database must then open cleanly and hold all of the change set or none of it.
//!
//! The child is this test binary itself, re-run with `--exact crash_writer --ignored` and the
//! database path in `VALGHALLA_CRASH_DB`, so it runs under plain `cargo test`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use rusqlite::Connection;
use valghalla_core::model::*;
use valghalla_core::store::{Expect, Query, Store};
use valghalla_store_sqlite::SqliteStore;

const SEATS: usize = 20_000;
const DB_VAR: &str = "VALGHALLA_CRASH_DB";

/// The child's job: write one change set of `SEATS` seats (with an audit entry and a message)
/// into the database named by `VALGHALLA_CRASH_DB`. Ignored in normal runs.
#[tokio::test]
#[ignore = "run by crash_during_a_large_change_set_leaves_all_or_nothing as a child process"]
async fn crash_writer() {
    let path = std::env::var(DB_VAR).expect("VALGHALLA_CRASH_DB names the database");
    let store = SqliteStore::open(&path).unwrap();
    let elections = store
        .query(&Query::All(RecordKind::Election))
        .await
        .unwrap();
    let Some(Versioned {
        value: Record::Election(election),
        ..
    }) = elections.into_iter().next()
    else {
        panic!("the parent writes the master data first");
    };
    let one = |kind| {
        let store = &store;
        async move { store.query(&Query::All(kind)).await.unwrap()[0].value.key() }
    };
    let (RecordKey::WorkLocation(wl), RecordKey::TaskType(tt), RecordKey::Team(team)) = (
        one(RecordKind::WorkLocation).await,
        one(RecordKind::TaskType).await,
        one(RecordKind::Team).await,
    ) else {
        panic!("master data");
    };
    let slot = SlotKey {
        election: election.id,
        work_location: wl,
        task_type: tt,
        team,
        date: day(10),
    };
    let seats: Vec<Record> = (0..SEATS)
        .map(|_| Record::Seat(Seat::vacant(slot)))
        .collect();
    let mut cs = puts(seats, Expect::Absent);
    cs.audit.push(audit(1, None, Some(election.id)));
    eprintln!("writer: applying");
    store.apply(cs).await.unwrap();
    eprintln!("writer: done");
}

fn count(path: &std::path::Path, table: &str) -> i64 {
    let c = Connection::open(path).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn crash_during_a_large_change_set_leaves_all_or_nothing() {
    let exe = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut outcomes = Vec::new();
    // Kill points: (milliseconds, counted from the start of the child or from the moment it
    // says it is applying the change set). `None`: let the child finish, so "all" is shown to be
    // reachable.
    let points = [
        Some((5, false)),
        Some((20, false)),
        Some((5, true)),
        Some((20, true)),
        Some((50, true)),
        Some((150, true)),
        Some((400, true)),
        None,
    ];
    for kill_after in points {
        let path = dir.path().join(format!("crash-{kill_after:?}.db"));
        let world = World::new();
        let store = SqliteStore::open(&path).unwrap();
        store.apply(world.change_set()).await.unwrap();
        store.close().await;

        let started = Instant::now();
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_writer", "--ignored", "--nocapture"])
            .env(DB_VAR, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (applying_tx, applying) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("writer: applying") {
                    let _ = applying_tx.send(());
                }
            }
        });
        match kill_after {
            Some((ms, after_applying)) => {
                if after_applying {
                    applying.recv_timeout(Duration::from_secs(60)).unwrap();
                }
                std::thread::sleep(Duration::from_millis(ms));
                // SIGKILL; fails only if the child has already exited.
                let _ = child.kill();
                child.wait().unwrap();
            }
            None => assert!(child.wait().unwrap().success()),
        }
        let elapsed = started.elapsed();

        // The database opens cleanly (recovering its WAL) and is intact.
        let store = SqliteStore::open(&path).unwrap();
        let seats = store
            .query(&Query::All(RecordKind::Seat))
            .await
            .unwrap()
            .len();
        store.close().await;
        let c = Connection::open(&path).unwrap();
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        drop(c);
        let audit = count(&path, "audit");
        assert!(
            (seats, audit) == (0, 0) || (seats, audit) == (SEATS, 1),
            "killed after {kill_after:?} ms: {seats} seats and {audit} audit entries"
        );
        if kill_after.is_none() {
            assert_eq!(seats, SEATS);
        }
        outcomes.push((kill_after, elapsed, seats == SEATS));
    }
    for (kill_after, elapsed, all) in outcomes {
        eprintln!(
            "kill after {kill_after:?} (ms, after `applying`) (child ended after {elapsed:?}): {}",
            if all { "all" } else { "none" }
        );
    }
}
