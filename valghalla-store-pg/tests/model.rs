//! Model-based test: random sequences of change sets applied to a `PgStore` and to the
//! reference `MemoryStore` give the same outcomes, the same records and the same query answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod common;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use uuid::Uuid;
use valghalla_core::ids::{AreaId, ElectionId, LinkId, ParticipantId, SeatId, WorkLocationId};
use valghalla_core::memory::MemoryStore;
use valghalla_core::model::{LinkToken, Op, Record, RecordKey, RecordKind};
use valghalla_core::store::{Change, ChangeSet, Expect, Query, Store, StoreError};
use valghalla_store_pg::PgStore;

const ELECTIONS: [u128; 2] = [100, 101];
const LOCATIONS: [u128; 2] = [110, 111];
/// Holds seats; never written by the generated change sets, so foreign keys always hold.
const HOLDER: u128 = 200;

/// A record the generator can write: small id and value pools, so keys, CPR numbers and tokens
/// collide often.
#[derive(Debug, Clone)]
enum Gen {
    Area {
        id: u8,
        label: u8,
    },
    Participant {
        id: u8,
        cpr: u8,
    },
    Link {
        id: u8,
        token: u8,
    },
    Seat {
        id: u8,
        election: u8,
        location: u8,
        held: bool,
    },
}

impl Gen {
    fn record(&self) -> Record {
        match *self {
            Gen::Area { id, label } => area(
                AreaId::from_uuid(Uuid::from_u128(u128::from(id))),
                &format!("area {label}"),
            ),
            Gen::Participant { id, cpr: c } => participant(
                ParticipantId::from_uuid(Uuid::from_u128(10 + u128::from(id))),
                cpr(usize::from(c)),
                &[],
            ),
            Gen::Link { id, token } => link(
                LinkId::from_uuid(Uuid::from_u128(20 + u128::from(id))),
                &format!("t{token}"),
            ),
            Gen::Seat {
                id,
                election,
                location,
                held,
            } => seat(
                SeatId::from_uuid(Uuid::from_u128(30 + u128::from(id))),
                slot(
                    ElectionId::from_uuid(Uuid::from_u128(ELECTIONS[usize::from(election)])),
                    WorkLocationId::from_uuid(Uuid::from_u128(LOCATIONS[usize::from(location)])),
                    10,
                ),
                held.then(|| ParticipantId::from_uuid(Uuid::from_u128(HOLDER))),
            ),
        }
    }
}

fn gen_record() -> impl Strategy<Value = Gen> {
    prop_oneof![
        (0u8..3, 0u8..3).prop_map(|(id, label)| Gen::Area { id, label }),
        (0u8..3, 0u8..2).prop_map(|(id, cpr)| Gen::Participant { id, cpr }),
        (0u8..2, 0u8..2).prop_map(|(id, token)| Gen::Link { id, token }),
        (0u8..3, 0u8..2, 0u8..2, any::<bool>()).prop_map(|(id, election, location, held)| {
            Gen::Seat {
                id,
                election,
                location,
                held,
            }
        }),
    ]
}

fn gen_change() -> impl Strategy<Value = Change> {
    let expect = prop_oneof![
        Just(Expect::Any),
        Just(Expect::Absent),
        (1u64..4).prop_map(Expect::Version),
    ];
    (0u8..5, gen_record(), expect).prop_map(|(op, g, expect)| {
        let record = g.record();
        let op = match op {
            0..=2 => Op::Put(record),
            3 => Op::Delete(record.key()),
            _ => Op::Touch(record.key()),
        };
        Change { op, expect }
    })
}

fn gen_sequence() -> impl Strategy<Value = Vec<Vec<Change>>> {
    // Mostly one change per key; now and then a key twice (which every store refuses).
    let set = (prop::collection::vec(gen_change(), 1..5), 0u8..10).prop_map(|(mut v, r)| {
        if r > 0 {
            let mut seen = std::collections::BTreeSet::new();
            v.retain(|c| seen.insert(c.op.key()));
        }
        v
    });
    prop::collection::vec(set, 1..9)
}

fn outcome(r: &Result<(), StoreError>) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(StoreError::Conflict { .. }) => "conflict",
        Err(StoreError::Backend { .. }) => "backend",
        Err(_) => "other",
    }
}

fn queries() -> Vec<Query> {
    let mut q = vec![
        Query::SeatsOfParticipant(ParticipantId::from_uuid(Uuid::from_u128(HOLDER))),
        Query::LinkByToken(LinkToken::from_string("t0".into())),
        Query::LinkByToken(LinkToken::from_string("t1".into())),
        Query::ParticipantByCpr(cpr(0)),
        Query::ParticipantByCpr(cpr(1)),
    ];
    for e in ELECTIONS {
        let election = ElectionId::from_uuid(Uuid::from_u128(e));
        q.push(Query::SeatsOfElection(election));
        q.push(Query::SeatsAtLocation {
            election,
            work_location: WorkLocationId::from_uuid(Uuid::from_u128(LOCATIONS[0])),
        });
    }
    q
}

#[test]
fn pg_store_matches_the_memory_store_on_random_change_sets() {
    let Some(url) = url() else { return };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pool = rt.block_on(pool_at(&url, 2, "valghalla-model"));
    let kinds = [
        RecordKind::Area,
        RecordKind::Participant,
        RecordKind::Link,
        RecordKind::Seat,
        RecordKind::Election,
    ];
    let outcomes = std::cell::RefCell::new(std::collections::BTreeMap::<&str, usize>::new());
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&gen_sequence(), |sequence| {
            rt.block_on(async {
                let pg = PgStore::new(pool.clone(), fresh_tenant());
                let memory = MemoryStore::new();
                let mut setup = vec![Change {
                    op: Op::Put(participant(
                        ParticipantId::from_uuid(Uuid::from_u128(HOLDER)),
                        cpr(3),
                        &[],
                    )),
                    expect: Expect::Absent,
                }];
                for e in ELECTIONS {
                    setup.push(Change {
                        op: Op::Put(election(ElectionId::from_uuid(Uuid::from_u128(e)))),
                        expect: Expect::Absent,
                    });
                }
                let stores: [&dyn Store; 2] = [&pg, &memory];
                for s in stores {
                    s.apply(ChangeSet {
                        changes: setup.clone(),
                        ..ChangeSet::default()
                    })
                    .await
                    .unwrap();
                }
                for (step, changes) in sequence.into_iter().enumerate() {
                    let set = ChangeSet {
                        changes,
                        ..ChangeSet::default()
                    };
                    let a = pg.apply(set.clone()).await;
                    let b = memory.apply(set.clone()).await;
                    *outcomes.borrow_mut().entry(outcome(&b)).or_default() += 1;
                    prop_assert_eq!(
                        outcome(&a),
                        outcome(&b),
                        "step {}: {:?} vs {:?} on {:?}",
                        step,
                        a,
                        b,
                        set
                    );
                    prop_assert_eq!(
                        snapshot(&pg, &kinds).await,
                        snapshot(&memory, &kinds).await,
                        "step {}",
                        step
                    );
                    for q in queries() {
                        prop_assert_eq!(
                            sorted(pg.query(&q).await.unwrap()),
                            sorted(memory.query(&q).await.unwrap()),
                            "step {}: {:?}",
                            step,
                            q
                        );
                    }
                    for key in [RecordKey::Area(AreaId::from_uuid(Uuid::from_u128(0)))] {
                        prop_assert_eq!(pg.get(key).await.unwrap(), memory.get(key).await.unwrap());
                    }
                }
                Ok::<(), TestCaseError>(())
            })
        })
        .unwrap();
    // The generator must exercise both successful and conflicting change sets.
    let outcomes = outcomes.into_inner();
    println!("outcomes: {outcomes:?}");
    assert!(
        outcomes.get("ok").copied().unwrap_or(0) > 20,
        "{outcomes:?}"
    );
    assert!(
        outcomes.get("conflict").copied().unwrap_or(0) > 20,
        "{outcomes:?}"
    );
}
