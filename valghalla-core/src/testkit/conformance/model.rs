//! Model-based: the store under test and the memory store, driven by the same random command
//! sequences through the service, end in the same observable state after every step.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;

use crate::ids::ParticipantId;
use crate::memory::MemoryStore;
use crate::messages::MessageKind;
use crate::model::{Seat, SeatStatus};
use crate::rules::Answer;
use crate::service::{Error, SeatRef};
use crate::store::{DynStore, OutboxFilter, Query};
use crate::testkit::scenario::{Scenario, election_day};

/// The store under test and the memory store, driven by the same random command sequences
/// through the service, end in the same observable state after every step.
pub fn model_based<F, Fut>(fresh: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = DynStore>,
{
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let command = (0u8..8, 0usize..6, 0usize..6, 0u32..4);
    let result = runner.run(&prop::collection::vec(command, 1..24), |commands| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let under_test = Model::new(fresh().await).await;
            let reference = Model::new(Arc::new(MemoryStore::new())).await;
            for (i, c) in commands.iter().enumerate() {
                let a = under_test.run(*c).await;
                let b = reference.run(*c).await;
                prop_assert_eq!(&a, &b, "step {} {:?}", i, c);
                prop_assert_eq!(
                    under_test.observe().await,
                    reference.observe().await,
                    "after step {} {:?}",
                    i,
                    c
                );
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("model-based test failed: {e}");
    }
}

/// A fixed little world both stores start from (same ids), and a way to run one command.
struct Model {
    s: Scenario,
    people: Vec<crate::model::Participant>,
    slots: Vec<crate::model::SlotKey>,
}

impl Model {
    async fn new(store: DynStore) -> Model {
        let s = Scenario::new(store).await;
        let day = election_day();
        let slots = vec![
            s.slot(0, &s.tilforordnet, 0, day),
            s.slot(0, &s.valgstyrer, 0, day),
            s.slot(1, &s.fintaeller, 0, day),
            s.slot(1, &s.fintaeller, 0, day - Duration::days(1)),
            s.slot(2, &s.tilforordnet, 1, day),
            s.slot(2, &s.tilforordnet, 0, day + Duration::days(1)),
        ];
        let mut people = Vec::new();
        for (i, name) in ["Anne", "Bo", "Carl", "Dorte", "Erik", "Åse"]
            .iter()
            .enumerate()
        {
            people.push(s.person(name, "Hansen", if i == 3 { 1 } else { 0 }).await);
        }
        Model { s, people, slots }
    }

    /// The slot's seats in a stable order: by state then by holder (ids differ between stores).
    async fn seat(&self, slot: usize, index: usize) -> Option<Seat> {
        let mut seats = self.s.slot_seats(self.slots[slot % self.slots.len()]).await;
        seats.sort_by_key(|s| {
            (
                s.state.status(),
                s.state.participant().map(|p| self.person_index(p)),
            )
        });
        seats.into_iter().nth(index)
    }

    fn person_index(&self, p: ParticipantId) -> usize {
        self.people
            .iter()
            .position(|x| x.id == p)
            .unwrap_or(usize::MAX)
    }

    /// Runs one command; returns a comparable summary of its outcome.
    async fn run(&self, (op, a, b, n): (u8, usize, usize, u32)) -> String {
        let s = &self.s;
        let person = &self.people[b % self.people.len()];
        let citizen = Scenario::citizen(person);
        let outcome: Result<(), Error> = match op {
            0 => s
                .svc
                .set_seat_count(&s.admin, self.slots[a % self.slots.len()], n)
                .await
                .map(|_| ()),
            1 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.invite(&s.admin, seat.id, person.id).await.map(|_| ()),
                None => Ok(()),
            },
            2 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.accept(&citizen, seat.id, None).await,
                None => Ok(()),
            },
            3 => s
                .svc
                .take_seat(
                    &citizen,
                    SeatRef::AnyIn(self.slots[a % self.slots.len()]),
                    None,
                )
                .await
                .map(|_| ()),
            4 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.withdraw(&citizen, seat.id).await,
                None => Ok(()),
            },
            5 => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.remove_from_seat(&s.admin, seat.id).await,
                None => Ok(()),
            },
            6 => match self.seat(a, n as usize).await {
                Some(seat) => {
                    s.svc
                        .answer_on_behalf(
                            &s.admin,
                            seat.id,
                            if n % 2 == 0 {
                                Answer::Accept
                            } else {
                                Answer::Decline
                            },
                            None,
                        )
                        .await
                }
                None => Ok(()),
            },
            _ => match self.seat(a, n as usize).await {
                Some(seat) => s.svc.decline(&citizen, seat.id, None).await,
                None => Ok(()),
            },
        };
        match outcome {
            Ok(()) => "ok".into(),
            Err(Error::Refused(r)) => {
                let mut codes: Vec<&str> = r.violations.iter().map(|v| v.code().as_str()).collect();
                codes.sort();
                format!("refused {codes:?}")
            }
            Err(e) => format!("error {e}"),
        }
    }

    /// Per slot: the sorted list of (status, holder index); plus the rejections per person and
    /// the outbox message kinds per person.
    async fn observe(&self) -> String {
        let mut out = String::new();
        for slot in &self.slots {
            let mut states: Vec<(SeatStatus, usize)> = self
                .s
                .slot_seats(*slot)
                .await
                .iter()
                .map(|x| {
                    (
                        x.state.status(),
                        x.state
                            .participant()
                            .map_or(usize::MAX, |p| self.person_index(p)),
                    )
                })
                .collect();
            states.sort();
            out.push_str(&format!("{states:?}\n"));
        }
        let mut per_person: BTreeMap<usize, (usize, Vec<MessageKind>)> = BTreeMap::new();
        for (i, p) in self.people.iter().enumerate() {
            let rejections = self
                .s
                .store
                .query(&Query::RejectionsOfParticipant(p.id))
                .await
                .expect("q")
                .len();
            let kinds = self
                .s
                .store
                .outbox(&OutboxFilter {
                    participant: Some(p.id),
                    ..Default::default()
                })
                .await
                .expect("outbox")
                .iter()
                .map(|m| m.kind)
                .collect::<Vec<_>>();
            let mut kinds = kinds;
            kinds.sort();
            per_person.insert(i, (rejections, kinds));
        }
        out.push_str(&format!("{per_person:?}"));
        out
    }
}
