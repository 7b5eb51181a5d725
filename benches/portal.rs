//! A bounded load test of the portal over loopback HTTP, on København-size data in SQLite:
//!
//! 1. the staffing overview page under 32 concurrent clients (target: p99 ≤ 50 ms);
//! 2. 200 simultaneous sign-ups through a link for 50 open seats (target: exactly 50 accepted,
//!    nobody booked twice).
//!
//! Run with `cargo bench --bench portal`; numbers are recorded in `BENCHMARKS.md`.

#![allow(
    dead_code,
    reason = "the portal's modules are shared with the example; the bench uses part of them"
)]

#[path = "../examples/portal/app.rs"]
mod app;
#[path = "../examples/portal/auth.rs"]
mod auth;
#[path = "../examples/portal/autofill.rs"]
mod autofill;
#[path = "../examples/portal/citizen.rs"]
mod citizen;
#[path = "../examples/portal/communication.rs"]
mod communication;
#[path = "../examples/portal/csrf.rs"]
mod csrf;
#[path = "../examples/portal/distribution.rs"]
mod distribution;
#[path = "../examples/portal/exports.rs"]
mod exports;
#[path = "../examples/portal/location.rs"]
mod location;
#[path = "../examples/portal/message_templates.rs"]
mod message_templates;
#[path = "../examples/portal/party.rs"]
mod party;
#[path = "../examples/portal/secretariat.rs"]
mod secretariat;
#[path = "../examples/portal/seed.rs"]
mod seed;
#[path = "../examples/portal/web.rs"]
mod web;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use valghalla::core::model::{LinkKind, SeatState, SlotKey, VacancyFilter};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::{ElectionEdit, WorkLocationDraft};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::testkit::generator::Spec;
use valghalla::core::{Cpr, MobileNumber};

type Error = Box<dyn std::error::Error + Send + Sync>;
type Http = Client<HttpConnector, Body>;

const CLIENTS: usize = 32;
const REQUESTS_PER_CLIENT: usize = 25;
const SIGNUPS: usize = 200;
const SEATS: u32 = 50;

fn main() -> Result<(), Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

fn cookie(session: &web::Session) -> String {
    format!("{}={}", web::SESSION_COOKIE, session.id)
}

async fn get(http: &Http, url: &str, cookie: &str) -> Result<(StatusCode, usize), Error> {
    let req = Request::get(url)
        .header(header::COOKIE, cookie)
        .body(Body::empty())?;
    let res = http.request(req).await?;
    let status = res.status();
    let body = axum::body::to_bytes(Body::new(res.into_body()), usize::MAX).await?;
    Ok((status, body.len()))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    let today = seed::today();
    let started = Instant::now();
    let ds = seed::dataset(&Spec::kobenhavn(), today).map_err(|e| e.to_string())?;
    let store = Arc::new(valghalla::sqlite::SqliteStore::open(
        dir.path().join("bench.db"),
    )?);
    valghalla::core::store::Store::apply(store.as_ref(), ds.change_set()).await?;
    let registry = seed::registry(&ds).map_err(|e| e.to_string())?;
    let state = app::state_with(store, &ds, registry.clone(), "http://127.0.0.1")
        .map_err(|e| e.to_string())?;
    println!(
        "København: {} stations, {} seats, {} participants loaded into SQLite in {:.1} s",
        ds.work_locations.len(),
        ds.seats.len(),
        ds.participants.len(),
        started.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = app::router(state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let http: Http = Client::builder(TokioExecutor::new()).build_http();

    // 1. The overview under 32 concurrent clients.
    let admin_session = state
        .sessions
        .create(Some(auth::Identity::Staff {
            user: "bench".into(),
            name: "Bench".into(),
            role: StaffRole::Administrator,
        }))
        .await;
    let admin_cookie = cookie(&admin_session);
    let url = format!("{base}/sekretariat/valg/{}/oversigt", ds.election.id);
    let mut size = 0;
    for _ in 0..10 {
        let (status, len) = get(&http, &url, &admin_cookie).await?;
        if status != StatusCode::OK {
            return Err(format!("overview answered {status}").into());
        }
        size = len;
    }
    println!("overview page: {:.0} kB", size as f64 / 1024.0);
    // Cold: the content computed from the store (after a change), one request at a time.
    let mut cold = Vec::new();
    for _ in 0..20 {
        state.cache.invalidate();
        let t = Instant::now();
        get(&http, &url, &admin_cookie).await?;
        cold.push(t.elapsed());
    }
    cold.sort();
    println!(
        "overview page right after a change (computed from SQLite, no concurrency): p50 {:.1} ms, max {:.1} ms",
        ms(percentile(&cold, 0.5)),
        ms(cold.last().copied().unwrap_or_default())
    );
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (http, url, c) = (http.clone(), url.clone(), admin_cookie.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::with_capacity(REQUESTS_PER_CLIENT);
            for _ in 0..REQUESTS_PER_CLIENT {
                let t = Instant::now();
                let (status, _) = get(&http, &url, &c).await?;
                if status != StatusCode::OK {
                    return Err::<Vec<Duration>, Error>(format!("status {status}").into());
                }
                out.push(t.elapsed());
            }
            Ok(out)
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await??);
    }
    let wall = t0.elapsed();
    latencies.sort();
    let p99 = percentile(&latencies, 0.99);
    println!(
        "overview page, {CLIENTS} clients × {REQUESTS_PER_CLIENT}: {} requests in {:.2} s ({:.0} req/s); p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 ≤ 50 ms: {})",
        latencies.len(),
        wall.as_secs_f64(),
        latencies.len() as f64 / wall.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(p99),
        ms(latencies.last().copied().unwrap_or_default()),
        if p99 <= Duration::from_millis(50) {
            "met"
        } else {
            "MISSED"
        }
    );

    // 2. 200 simultaneous sign-ups for 50 open seats.
    let admin = Actor::Secretariat {
        user: "bench".into(),
        role: StaffRole::Administrator,
    };
    let svc = &state.svc;
    let team = ds.teams[0].id;
    let task_type = ds.task_types[0].id; // Tilforordnet: open, on election day
    let day = ds.election.election_day();
    let hall = svc
        .create_work_location(
            &admin,
            WorkLocationDraft {
                area: ds.areas[0].id,
                title: "Bellahøj Bench-hallen".into(),
                street: "Bellahøjvej 1".into(),
                postal_code: "2700".into(),
                city: "København".into(),
                voting_area: None,
                teams: [team].into(),
                task_types: [task_type].into(),
                responsibles: BTreeSet::new(),
            },
        )
        .await?;
    let e = svc.election(&admin, ds.election.id).await?;
    let mut locations = e.work_locations.clone();
    locations.insert(hall.id);
    svc.edit_election(
        &admin,
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
    .await?;
    svc.set_seat_counts(&admin, e.id, hall.id, &[(day, team, task_type, SEATS)])
        .await?;
    let link = svc
        .create_link(
            &admin,
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
        .await?;
    let taken: BTreeSet<String> = ds.participants.iter().map(|p| p.cpr.reveal()).collect();
    let mut people = Vec::new();
    for i in 0..2000usize {
        if people.len() == SIGNUPS {
            break;
        }
        let text = format!(
            "{:02}{:02}85{}{:03}",
            1 + i % 28,
            1 + (i / 28) % 12,
            1 + (i / 336) % 3,
            700 + i % 300
        );
        let Ok(cpr) = Cpr::parse(&text) else { continue };
        if taken.contains(&cpr.reveal()) {
            continue;
        }
        registry.insert(
            cpr,
            FakeRegistry::resident(&cpr, "Bench", &format!("Borger {i}"), ds.municipality.code),
        );
        let p = svc
            .register_through_link(
                cpr,
                valghalla::core::model::Contact {
                    mobile: MobileNumber::parse(&format!("5{:07}", i)).ok(),
                    email: None,
                },
                BTreeSet::new(),
                &link.token,
            )
            .await?;
        let session = state
            .sessions
            .create(Some(auth::Identity::Citizen {
                cpr,
                name: p.full_name(),
            }))
            .await;
        state
            .sessions
            .update(&session.id, |s| s.participant = Some(p.id))
            .await;
        people.push(session);
    }
    let slot = SlotKey {
        election: e.id,
        work_location: hall.id,
        task_type,
        team,
        date: day,
    };
    let slot_value = secretariat::slot_value(&slot);
    let take_url = format!("{base}/link/{}/tag", link.token.as_str());
    let barrier = Arc::new(tokio::sync::Barrier::new(people.len()));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for s in &people {
        let body =
            serde_urlencoded::to_string([("csrf", s.csrf.as_str()), ("plads", &slot_value)])?;
        let (http, url, c, barrier) = (http.clone(), take_url.clone(), cookie(s), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let req = Request::post(&url)
                .header(header::COOKIE, c)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))?;
            let res = http.request(req).await?;
            let status = res.status();
            let location = res
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            axum::body::to_bytes(Body::new(res.into_body()), usize::MAX).await?;
            Ok::<_, Error>((status, location))
        }));
    }
    let (mut won, mut refused, mut other) = (0, 0, 0);
    for t in tasks {
        match t.await?? {
            (StatusCode::SEE_OTHER, l) if l == "/mine-opgaver" => won += 1,
            (StatusCode::OK, _) => refused += 1,
            _ => other += 1,
        }
    }
    let wall = t0.elapsed();
    let seats = svc.slot_seats(&admin, slot).await?;
    let accepted: Vec<_> = seats
        .iter()
        .filter_map(|s| match s.state {
            SeatState::Accepted { participant, .. } => Some(participant),
            _ => None,
        })
        .collect();
    let distinct: BTreeSet<_> = accepted.iter().collect();
    let ok = accepted.len() == SEATS as usize && distinct.len() == accepted.len() && won == SEATS;
    println!(
        "sign-ups: {} simultaneous for {SEATS} seats in {:.2} s: {won} got a seat, {refused} were told it was taken, {other} other; seats accepted {}, distinct holders {} ({})",
        people.len(),
        wall.as_secs_f64(),
        accepted.len(),
        distinct.len(),
        if ok {
            "exactly 50, no double booking"
        } else {
            "WRONG"
        }
    );
    if !ok || p99 > Duration::from_millis(50) {
        return Err("a target was missed".into());
    }
    Ok(())
}
