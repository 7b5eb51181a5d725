//! A sign-up wave: Korsbæk's data with a hall of open seats, a vacancy link, and people who have
//! registered through it and now log in and take a seat at the same moment, over loopback HTTP
//! as browsers would. Deterministic from the date, so a host process started again (or a
//! child process) rebuilds the same registry and logins.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use chrono::NaiveDate;
use valghalla::Valghalla;
use valghalla::core::ids::ParticipantId;
use valghalla::core::model::{Contact, LinkKind, SeatState, SlotKey, VacancyFilter};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::{ElectionEdit, WorkLocationDraft};
use valghalla::core::store::{DynStore, Query};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::testkit::generator::Dataset;
use valghalla::core::{Cpr, Email};
use valghalla_portal::{
    DemoAuthenticator, Identity, LoginLimits, LoginOption, PortalConfig, PortalState, Sessions,
    Tenant, demo,
};

use crate::loadgen;
pub use crate::loadgen::{Answer, Browser, Http};

/// The data every process of a test derives from the same date.
pub struct Fixture {
    pub ds: Dataset,
    pub registry: FakeRegistry,
    /// The people of the wave (not participants of the dataset), known to the registry.
    pub people: Vec<Cpr>,
}

pub fn admin() -> Actor {
    Actor::Secretariat {
        user: "drift".into(),
        role: StaffRole::Administrator,
    }
}

impl Fixture {
    pub fn new(today: NaiveDate, n: usize) -> Fixture {
        let ds = demo::korsbaek(today).expect("dataset");
        let registry = demo::registry(&ds).expect("registry");
        let taken: BTreeSet<String> = ds.participants.iter().map(|p| p.cpr.reveal()).collect();
        let mut people = Vec::new();
        for i in 0..4000usize {
            if people.len() == n {
                break;
            }
            let text = format!(
                "{:02}{:02}86{}{:03}",
                1 + i % 28,
                1 + (i / 28) % 12,
                1 + (i / 336) % 3,
                500 + i % 400
            );
            let Ok(cpr) = Cpr::parse(&text) else { continue };
            if taken.contains(&cpr.reveal()) {
                continue;
            }
            registry.insert(
                cpr,
                FakeRegistry::resident(&cpr, "Bølge", &format!("Borger {i}"), ds.municipality.code),
            );
            people.push(cpr);
        }
        assert_eq!(people.len(), n, "enough CPR numbers");
        Fixture {
            ds,
            registry,
            people,
        }
    }

    /// The service over `store` with this fixture's registry.
    pub fn service(&self, store: DynStore) -> Valghalla {
        demo::service(store, self.registry.clone(), "http://127.0.0.1")
    }

    /// The portal over `store`: an administrator (`admin`) and one login per person (`b0`, …).
    pub fn state(&self, store: DynStore, sessions: Sessions) -> PortalState {
        let mut identities = vec![(
            option("admin"),
            Identity::Staff {
                user: "drift".into(),
                name: "Drift".into(),
                role: StaffRole::Administrator,
            },
        )];
        for (i, cpr) in self.people.iter().enumerate() {
            identities.push((
                option(&format!("b{i}")),
                Identity::Citizen {
                    cpr: *cpr,
                    name: format!("Borger {i}"),
                },
            ));
        }
        let tenant = Tenant::new(
            "korsbaek",
            self.service(store),
            Arc::new(DemoAuthenticator::new(identities)),
        );
        let mut config = PortalConfig {
            public_base_url: "http://127.0.0.1".into(),
            login_limits: LoginLimits {
                per_address_burst: 100_000,
                per_identity_burst: 1000,
                ..LoginLimits::default()
            },
            ..PortalConfig::default()
        };
        // When a test starts the scheduler, it dispatches often.
        config.schedule.dispatch_every = std::time::Duration::from_millis(150);
        PortalState::single(config, tenant, sessions)
    }
}

fn option(key: &str) -> LoginOption {
    LoginOption {
        key: key.into(),
        label: key.into(),
        description: String::new(),
        start: None,
    }
}

/// What the wave signs up for.
#[derive(Debug, Clone)]
pub struct Wave {
    pub slot: SlotKey,
    pub link_path: String,
}

impl Wave {
    pub fn slot_value(&self) -> String {
        let s = &self.slot;
        format!(
            "{}|{}|{}|{}|{}",
            s.election, s.work_location, s.task_type, s.team, s.date
        )
    }
}

/// Seeds `store` (empty) with the dataset, a hall with `seats` open seats, a vacancy link, and
/// registers every person through it (with an e-mail address, so the messages go by e-mail).
pub async fn seed(store: DynStore, fx: &Fixture, seats: u32) -> Wave {
    store.apply(fx.ds.change_set()).await.expect("dataset");
    let svc = fx.service(store);
    let actor = admin();
    let ds = &fx.ds;
    let team = ds.teams[0].id;
    let task_type = ds.task_types[0].id;
    let day = ds.election.election_day();
    let hall = svc
        .create_work_location(
            &actor,
            WorkLocationDraft {
                area: ds.areas[0].id,
                title: "Korsbæk Bølgehallen".into(),
                street: "Hallvej 1".into(),
                postal_code: "4000".into(),
                city: "Korsbæk".into(),
                voting_area: None,
                teams: [team].into(),
                task_types: [task_type].into(),
                responsibles: BTreeSet::new(),
            },
        )
        .await
        .expect("hall");
    let e = svc
        .election(&actor, ds.election.id)
        .await
        .expect("election");
    let mut locations = e.work_locations.clone();
    locations.insert(hall.id);
    svc.edit_election(
        &actor,
        e.id,
        ElectionEdit {
            title: e.title.to_string(),
            election_day: e.election_day(),
            first_day: e.working_period().first(),
            last_day: e.working_period().last(),
            lock_period_days: e.lock_period_days,
            work_locations: locations,
        },
    )
    .await
    .expect("election edit");
    svc.set_seat_counts(&actor, e.id, hall.id, &[(day, team, task_type, seats)])
        .await
        .expect("seats");
    let link = svc
        .create_link(
            &actor,
            LinkKind::Vacancies(VacancyFilter {
                election: e.id,
                team,
                areas: BTreeSet::new(),
                work_locations: [hall.id].into(),
                task_types: BTreeSet::new(),
                dates: BTreeSet::new(),
                include_trusted: false,
            }),
        )
        .await
        .expect("link");
    for (i, cpr) in fx.people.iter().enumerate() {
        svc.register_through_link(
            *cpr,
            Contact {
                mobile: None,
                email: Some(Email::parse(&format!("borger{i}@example.test")).expect("email")),
            },
            BTreeSet::new(),
            &link.token,
        )
        .await
        .expect("registered");
    }
    Wave {
        slot: SlotKey {
            election: e.id,
            work_location: hall.id,
            task_type,
            team,
            date: day,
        },
        link_path: format!("/link/{}", link.token.as_str()),
    }
}

/// The holders of the slot's accepted seats, one entry per seat.
pub async fn holders(store: &DynStore, slot: SlotKey) -> Vec<ParticipantId> {
    store
        .query(&Query::SeatsOfSlot(slot))
        .await
        .expect("seats")
        .into_iter()
        .filter_map(|v| match v.value {
            valghalla::core::model::Record::Seat(s) => match s.state {
                SeatState::Accepted { participant, .. } => Some(participant),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The participant id of each person, by their login index.
pub async fn participants(store: &DynStore, fx: &Fixture) -> Vec<ParticipantId> {
    let mut out = Vec::new();
    for cpr in &fx.people {
        let found = store
            .query(&Query::ParticipantByCpr(*cpr))
            .await
            .expect("participant");
        match found.first().map(|v| &v.value) {
            Some(valghalla::core::model::Record::Participant(p)) => out.push(p.id),
            _ => panic!("a registered person is a participant"),
        }
    }
    out
}

pub fn http() -> Http {
    loadgen::http_client(32)
}

/// Serves `state` on a free loopback port; the server stops when the returned sender is dropped.
pub async fn serve(state: PortalState) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(valghalla_portal::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

/// Logs in every person in `who` (by index) and opens the link.
pub async fn browsers(
    http: &Http,
    base: &str,
    wave: &Wave,
    who: impl IntoIterator<Item = usize>,
) -> Vec<(usize, Browser)> {
    let mut out = Vec::new();
    for i in who {
        let b = Browser::login(http, base, None, &format!("b{i}"), &wave.link_path)
            .await
            .expect("login");
        out.push((i, b));
    }
    out
}

/// The sign-up of one logged-in browser.
pub async fn take(http: &Http, base: &str, wave: &Wave, b: &mut Browser) -> Answer {
    let url = format!("{base}{}/tag", wave.link_path);
    let Ok(req) = b.post_request(&url, &[("plads", &wave.slot_value())]) else {
        return Answer::Unanswered;
    };
    match b.send(http, req).await {
        Ok(reply) => {
            let answer = Answer::of(&reply);
            assert_ne!(
                answer,
                Answer::Other(StatusCode::SERVICE_UNAVAILABLE),
                "a 503 is the Danish try-again page: {}",
                reply.body
            );
            answer
        }
        Err(_) => Answer::Unanswered,
    }
}

/// Every browser signs up at once; the answers by person index.
pub async fn wave(
    http: &Http,
    base: &str,
    wave: &Wave,
    browsers: Vec<(usize, Browser)>,
) -> Vec<(usize, Answer)> {
    let url = format!("{base}{}/tag", wave.link_path);
    let (who, requests): (Vec<usize>, Vec<_>) = browsers
        .iter()
        .map(|(i, b)| {
            let req = b.post_request(&url, &[("plads", &wave.slot_value())]);
            (*i, req.expect("a sign-up request"))
        })
        .unzip();
    who.into_iter()
        .zip(loadgen::at_once(http, requests).await)
        .collect()
}

/// Checks the slot after a wave: no one holds two seats, and everyone told "you have the seat"
/// holds one. Returns the holders.
pub async fn check_answers(
    store: &DynStore,
    fx: &Fixture,
    wave: &Wave,
    answers: &[(usize, Answer)],
) -> Vec<ParticipantId> {
    let holders = holders(store, wave.slot).await;
    let distinct: BTreeSet<_> = holders.iter().collect();
    assert_eq!(
        distinct.len(),
        holders.len(),
        "nobody holds two seats of the slot"
    );
    let ids = participants(store, fx).await;
    for (i, a) in answers {
        if *a == Answer::Seat {
            assert!(
                distinct.contains(&ids[*i]),
                "person {i} was told they have the seat, and they hold one"
            );
        }
    }
    holders
}

/// Today in Denmark, as the demo counts it.
pub fn today() -> NaiveDate {
    demo::today()
}
