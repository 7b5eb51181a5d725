//! A sign-up wave: Korsbæk's data with a hall of open seats, a vacancy link, and people who have
//! registered through it and now log in and take a seat at the same moment, over loopback HTTP
//! as browsers would. Deterministic from the date, so a host process started again (or a
//! child process) rebuilds the same registry and logins.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
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

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Http = Client<HttpConnector, Body>;

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

/// A browser over real HTTP: cookies and the last CSRF token it saw.
#[derive(Clone, Default)]
pub struct Browser {
    cookies: BTreeMap<String, String>,
    csrf: String,
}

impl Browser {
    fn header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends `req`; (status, Location, body).
    pub async fn send(
        &mut self,
        http: &Http,
        req: Request<Body>,
    ) -> Result<(StatusCode, String, String), Error> {
        let res = http.request(req).await?;
        let status = res.status();
        for c in res.headers().get_all(header::SET_COOKIE) {
            let Some((k, v)) = c
                .to_str()?
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
            else {
                continue;
            };
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = axum::body::to_bytes(Body::new(res.into_body()), usize::MAX).await?;
        let body = String::from_utf8_lossy(&body).into_owned();
        if let Some(t) = body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            self.csrf = t.to_owned();
        }
        Ok((status, location, body))
    }

    pub async fn get(
        &mut self,
        http: &Http,
        url: &str,
    ) -> Result<(StatusCode, String, String), Error> {
        let req = Request::get(url)
            .header(header::COOKIE, self.header())
            .body(Body::empty())?;
        self.send(http, req).await
    }

    pub fn post_request(&self, url: &str, pairs: &[(&str, &str)]) -> Result<Request<Body>, Error> {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        Ok(Request::post(url)
            .header(header::COOKIE, self.header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&all)?))?)
    }

    /// Logs in as `who` through the login page, then opens `then`.
    pub async fn login(http: &Http, base: &str, who: &str, then: &str) -> Result<Browser, Error> {
        let mut b = Browser::default();
        b.get(http, &format!("{base}/login")).await?;
        let req = b.post_request(
            &format!("{base}/login"),
            &[("identitet", who), ("next", "/")],
        )?;
        let (status, _, _) = b.send(http, req).await?;
        if status != StatusCode::SEE_OTHER {
            return Err(format!("login as {who}: {status}").into());
        }
        let (status, _, _) = b.get(http, &format!("{base}{then}")).await?;
        if status != StatusCode::OK {
            return Err(format!("{then} after login: {status}").into());
        }
        Ok(b)
    }
}

pub fn http() -> Http {
    Client::builder(TokioExecutor::new()).build_http()
}

/// How one sign-up was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 303 to Mine opgaver: the person has the seat.
    Seat,
    /// 200: the link page again, saying why not (the seats are taken).
    Refused,
    /// 503 with the Danish "Prøv igen om lidt" page.
    TryAgain,
    /// Any other status.
    Other(StatusCode),
    /// No answer: the connection broke (the host died).
    Unanswered,
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
        let b = Browser::login(http, base, &format!("b{i}"), &wave.link_path)
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
        Ok((StatusCode::SEE_OTHER, l, _)) if l == "/mine-opgaver" => Answer::Seat,
        Ok((StatusCode::OK, _, _)) => Answer::Refused,
        Ok((StatusCode::SERVICE_UNAVAILABLE, _, body)) => {
            assert!(
                body.contains("Prøv igen om lidt"),
                "a 503 is the Danish try-again page: {body}"
            );
            Answer::TryAgain
        }
        Ok((s, _, _)) => Answer::Other(s),
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
    let mut tasks = Vec::new();
    for (i, mut b) in browsers {
        let (http, base, w) = (http.clone(), base.to_owned(), wave.clone());
        tasks.push(tokio::spawn(async move {
            (i, take(&http, &base, &w, &mut b).await)
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("joined"));
    }
    out
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
