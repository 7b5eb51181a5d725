//! A small municipality built through the service, for tests and examples.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};

use super::{FakeRegistry, FixedClock};
use crate::cpr::Cpr;
use crate::model::{
    Election, ElectionKind, Municipality, Participant, Seat, SlotKey, TaskType, Team, TeamKind,
    Trust, WorkLocation,
};
use crate::rules::access::{Actor, PersonActor, StaffRole};
use crate::service::{
    AreaDraft, ElectionDraft, ElectionTypeDraft, NewParticipant, TaskTypeDraft, TeamDraft,
    Valghalla, WorkLocationDraft,
};
use crate::store::{DynStore, Query};
use crate::time::DailyWindow;
use crate::values::{MunicipalityCode, Name, Ore};

/// Korsbæk in miniature: three stations, two parties and volunteers, three task types (one of
/// them overnight), an active election on 17 November 2026 with tasks the day before and after.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The service.
    pub svc: Valghalla,
    /// Its store, for what a test checks behind the service's back.
    pub store: DynStore,
    /// Its clock (7 November 2026, 09:00 UTC).
    pub clock: FixedClock,
    /// Its registry.
    pub registry: FakeRegistry,
    /// A secretariat administrator.
    pub admin: Actor,
    /// Stations.
    pub stations: Vec<WorkLocation>,
    /// Parties A and V, then volunteers.
    pub teams: Vec<Team>,
    /// Tilforordnet (open, 07:30–22:00).
    pub tilforordnet: TaskType,
    /// Valgstyrer (trusted, 07:30–23:00).
    pub valgstyrer: TaskType,
    /// Fintæller (open, 17:00–02:00, overnight).
    pub fintaeller: TaskType,
    /// The election (active).
    pub election: Election,
    next_serial: Arc<std::sync::atomic::AtomicU32>,
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

/// Election day in the scenario.
pub fn election_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 17).expect("valid date")
}

/// The scenario's municipality code (Korsbæk is fictional; 0999 is not a real code).
pub fn municipality_code() -> MunicipalityCode {
    MunicipalityCode::parse("0999").expect("valid code")
}

impl Scenario {
    /// Builds the scenario in `store`.
    pub async fn new(store: DynStore) -> Scenario {
        let clock = FixedClock::at(
            Utc.with_ymd_and_hms(2026, 11, 7, 9, 0, 0)
                .single()
                .expect("instant"),
        );
        let registry = FakeRegistry::new();
        let svc = Valghalla::new(Arc::clone(&store), Arc::new(registry.clone()))
            .with_clock(Arc::new(clock.clone()));
        let admin = Actor::Secretariat {
            user: "sekretariat".into(),
            role: StaffRole::Administrator,
        };
        svc.set_municipality(
            &admin,
            Municipality {
                code: municipality_code(),
                name: Name::parse("Korsbæk Kommune").expect("name"),
            },
        )
        .await
        .expect("municipality");
        let area = svc
            .create_area(
                &admin,
                AreaDraft {
                    name: "Midtby".into(),
                    description: "".into(),
                },
            )
            .await
            .expect("area");
        let a = svc
            .create_team(
                &admin,
                TeamDraft {
                    name: "Socialdemokratiet".into(),
                    short_name: "A".into(),
                    kind: TeamKind::Party,
                    description: "".into(),
                },
            )
            .await
            .expect("team");
        let v = svc
            .create_team(
                &admin,
                TeamDraft {
                    name: "Venstre".into(),
                    short_name: "V".into(),
                    kind: TeamKind::Party,
                    description: "".into(),
                },
            )
            .await
            .expect("team");
        let f = svc
            .create_team(
                &admin,
                TeamDraft {
                    name: "Frivillige".into(),
                    short_name: "FRI".into(),
                    kind: TeamKind::Volunteers,
                    description: "".into(),
                },
            )
            .await
            .expect("team");
        let draft = |title: &str, short: &str, window, trust, checks| TaskTypeDraft {
            title: title.into(),
            short_name: short.into(),
            description: format!("<p>{title}</p>"),
            window,
            payment: Ore::kroner(1320),
            trust,
            check_eligibility: checks,
            reminders: true,
            chair: false,
        };
        let tilforordnet = svc
            .create_task_type(
                &admin,
                draft(
                    "Tilforordnet",
                    "TF",
                    DailyWindow::new(t(7, 30), t(22, 0)),
                    Trust::Open,
                    true,
                ),
            )
            .await
            .expect("task type");
        let valgstyrer = svc
            .create_task_type(
                &admin,
                draft(
                    "Valgstyrer",
                    "VS",
                    DailyWindow::new(t(7, 30), t(23, 0)),
                    Trust::Trusted,
                    true,
                ),
            )
            .await
            .expect("task type");
        let fintaeller = svc
            .create_task_type(
                &admin,
                draft(
                    "Fintæller",
                    "FT",
                    DailyWindow::new(t(17, 0), t(2, 0)),
                    Trust::Open,
                    false,
                ),
            )
            .await
            .expect("task type");
        let teams = vec![a, v, f];
        let mut stations = Vec::new();
        for (i, title) in ["Korsbæk Skole", "Hallen", "Ørslev Forsamlingshus"]
            .iter()
            .enumerate()
        {
            stations.push(
                svc.create_work_location(
                    &admin,
                    WorkLocationDraft {
                        area: area.id,
                        title: (*title).into(),
                        street: format!("Hovedgaden {}", i + 1),
                        postal_code: "4700".into(),
                        city: "Korsbæk".into(),
                        voting_area: Some(i as u32 + 1),
                        teams: teams.iter().map(|t| t.id).collect(),
                        task_types: [tilforordnet.id, valgstyrer.id, fintaeller.id].into(),
                        responsibles: BTreeSet::new(),
                    },
                )
                .await
                .expect("station"),
            );
        }
        let et = svc
            .create_election_type(
                &admin,
                ElectionTypeDraft {
                    title: "Folketingsvalg".into(),
                    kind: ElectionKind::Folketingsvalg,
                    rules: None,
                },
            )
            .await
            .expect("election type");
        let day = election_day();
        let election = svc
            .create_election(
                &admin,
                ElectionDraft {
                    title: "Folketingsvalg 2026".into(),
                    election_type: et.id,
                    election_day: day,
                    first_day: day - Duration::days(1),
                    last_day: day + Duration::days(1),
                    lock_period_days: 4,
                    work_locations: stations.iter().map(|s| s.id).collect(),
                },
            )
            .await
            .expect("election");
        svc.set_election_active(&admin, election.id, true)
            .await
            .expect("activate");
        let election = svc.election(&admin, election.id).await.expect("election");
        Scenario {
            svc,
            store,
            clock,
            registry,
            admin,
            stations,
            teams,
            tilforordnet,
            valgstyrer,
            fintaeller,
            election,
            next_serial: Arc::new(std::sync::atomic::AtomicU32::new(1)),
        }
    }

    /// A new, eligible participant in team `team` (index into `teams`).
    pub async fn person(&self, first: &str, last: &str, team: usize) -> Participant {
        let serial = self
            .next_serial
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let cpr = Cpr::parse(&format!(
            "0101{:02}{:04}",
            70 + serial / 1000 % 30,
            serial % 1000 + 1000
        ))
        .expect("valid CPR");
        self.registry.insert(
            cpr,
            FakeRegistry::resident(&cpr, first, last, municipality_code()),
        );
        self.svc
            .create_participant(
                &self.admin,
                NewParticipant {
                    cpr,
                    contact: Default::default(),
                    teams: [self.teams[team].id].into(),
                    special_diets: BTreeSet::new(),
                    preferred_work_location: None,
                },
            )
            .await
            .expect("participant")
    }

    /// The actor of a logged-in participant with their responsibilities.
    pub async fn actor_for(&self, p: &Participant) -> Actor {
        self.svc.person_actor(p.id).await.expect("person actor")
    }

    /// A plain person actor without responsibilities (no store access needed).
    pub fn citizen(p: &Participant) -> Actor {
        Actor::Person(PersonActor {
            participant: p.id,
            ..Default::default()
        })
    }

    /// The slot of `task_type` for team index `team` at station index `station` on `date`.
    pub fn slot(
        &self,
        station: usize,
        task_type: &TaskType,
        team: usize,
        date: NaiveDate,
    ) -> SlotKey {
        SlotKey {
            election: self.election.id,
            work_location: self.stations[station].id,
            task_type: task_type.id,
            team: self.teams[team].id,
            date,
        }
    }

    /// Creates `n` seats in a slot and returns them.
    pub async fn seats(&self, slot: SlotKey, n: u32) -> Vec<Seat> {
        self.svc
            .set_seat_count(&self.admin, slot, n)
            .await
            .expect("seats");
        self.slot_seats(slot).await
    }

    /// The seats of a slot, by id.
    pub async fn slot_seats(&self, slot: SlotKey) -> Vec<Seat> {
        let mut seats: Vec<Seat> = self
            .store
            .query(&Query::SeatsOfSlot(slot))
            .await
            .expect("query")
            .into_iter()
            .filter_map(|v| match v.value {
                crate::model::Record::Seat(s) => Some(s),
                _ => None,
            })
            .collect();
        seats.sort_by_key(|s| s.id);
        seats
    }
}
