//! A bounded load test of the portal over loopback HTTP, on København-size data in SQLite
//! (data and sessions in one file), served by the crate's own `serve`:
//!
//! 1. the staffing overview page under 32 concurrent clients (target: p99 ≤ 50 ms);
//! 2. 200 simultaneous sign-ups through a link for 50 open seats (target: exactly 50 accepted,
//!    nobody booked twice);
//! 3. a backup of the file (SQLite's online backup API) while the host serves it.
//!
//! Everyone logs in through the login page, as a browser would. Run with
//! `cargo bench -p valghalla-portal --bench portal`; numbers are recorded in `BENCHMARKS.md`.

#[path = "support/loadgen.rs"]
#[allow(
    dead_code,
    reason = "shared with the other users of the load generator"
)]
mod loadgen;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use valghalla::core::model::{LinkKind, SeatState, SlotKey, VacancyFilter};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::{ElectionEdit, WorkLocationDraft};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::testkit::generator::Spec;
use valghalla::core::{Cpr, MobileNumber};
use valghalla_portal::{
    DemoAuthenticator, Identity, LoginLimits, LoginOption, PortalConfig, PortalState, Sessions,
    Tenant, demo,
};

use loadgen::{Answer, Browser, Error, Http, ms, percentile};

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

/// 200 people who are not participants yet, known to the registry.
fn newcomers(
    ds: &valghalla::core::testkit::generator::Dataset,
    registry: &FakeRegistry,
) -> Vec<Cpr> {
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
        people.push(cpr);
    }
    people
}

async fn run() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    let today = demo::today();
    let started = Instant::now();
    let ds = demo::dataset(&Spec::kobenhavn(), today)?;
    let store = Arc::new(valghalla::sqlite::SqliteStore::open(&db)?);
    valghalla::core::store::Store::apply(store.as_ref(), ds.change_set()).await?;
    let registry = demo::registry(&ds)?;
    let people = newcomers(&ds, &registry);
    let mut identities = vec![(
        LoginOption {
            key: "admin".into(),
            label: "Bench".into(),
            description: String::new(),
            start: None,
        },
        Identity::Staff {
            user: "bench".into(),
            name: "Bench".into(),
            role: StaffRole::Administrator,
        },
    )];
    for (i, cpr) in people.iter().enumerate() {
        identities.push((
            LoginOption {
                key: format!("b{i}"),
                label: String::new(),
                description: String::new(),
                start: None,
            },
            Identity::Citizen {
                cpr: *cpr,
                name: format!("Borger {i}"),
            },
        ));
    }
    let svc = demo::service(store, registry, "http://127.0.0.1");
    let tenant = Tenant::new(
        "bench",
        svc.clone(),
        Arc::new(DemoAuthenticator::new(identities)),
    );
    let config = PortalConfig {
        // Everyone logs in from 127.0.0.1.
        login_limits: LoginLimits {
            per_address_burst: 10_000,
            ..LoginLimits::default()
        },
        ..PortalConfig::default()
    };
    let state = PortalState::single(config, tenant.clone(), Sessions::sqlite(&db).await?);
    println!(
        "København: {} stations, {} seats, {} participants loaded into SQLite in {:.1} s",
        ds.work_locations.len(),
        ds.seats.len(),
        ds.participants.len(),
        started.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(valghalla_portal::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let http: Http = loadgen::http_client(32);

    // 1. The overview under 32 concurrent clients.
    let admin = Browser::login(&http, &base, None, "admin", "/sekretariat").await?;
    let url = format!("{base}/sekretariat/valg/{}/oversigt", ds.election.id);
    let mut size = 0;
    for _ in 0..10 {
        let reply = admin.clone().get(&http, &url).await?;
        if reply.status != StatusCode::OK {
            return Err(format!("overview answered {}", reply.status).into());
        }
        size = reply.body.len();
    }
    println!("overview page: {:.0} kB", size as f64 / 1024.0);
    // Cold: the content computed from the store (after a change), one request at a time.
    let mut cold = Vec::new();
    for _ in 0..20 {
        tenant.forget_rendered_pages();
        let t = Instant::now();
        admin.clone().get(&http, &url).await?;
        cold.push(t.elapsed());
    }
    cold.sort();
    println!(
        "overview page right after a change (computed from SQLite, no concurrency): p50 {:.1} ms, max {:.1} ms",
        ms(percentile(&cold, 0.5)),
        ms(cold.last().copied().unwrap_or_default())
    );
    let targets = Arc::new(vec![(admin.clone(), url.clone())]);
    let (samples, wall) =
        loadgen::closed_loop(&http, targets, CLIENTS, REQUESTS_PER_CLIENT, |_| None).await?;
    let latencies = loadgen::sorted_latencies(&samples);
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
    let actor = Actor::Secretariat {
        user: "bench".into(),
        role: StaffRole::Administrator,
    };
    let team = ds.teams[0].id;
    let task_type = ds.task_types[0].id; // Tilforordnet: open, on election day
    let day = ds.election.election_day();
    let hall = svc
        .create_work_location(
            &actor,
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
    let e = svc.election(&actor, ds.election.id).await?;
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
    .await?;
    svc.set_seat_counts(&actor, e.id, hall.id, &[(day, team, task_type, SEATS)])
        .await?;
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
        .await?;
    let link_path = format!("/link/{}", link.token.as_str());
    let mut browsers = Vec::new();
    for (i, cpr) in people.iter().enumerate() {
        svc.register_through_link(
            *cpr,
            valghalla::core::model::Contact {
                mobile: MobileNumber::parse(&format!("5{i:07}")).ok(),
                email: None,
            },
            BTreeSet::new(),
            &link.token,
        )
        .await?;
        browsers.push(Browser::login(&http, &base, None, &format!("b{i}"), &link_path).await?);
    }
    let slot = SlotKey {
        election: e.id,
        work_location: hall.id,
        task_type,
        team,
        date: day,
    };
    let slot_value = format!(
        "{}|{}|{}|{}|{}",
        slot.election, slot.work_location, slot.task_type, slot.team, slot.date
    );
    let take_url = format!("{base}{link_path}/tag");
    let requests = browsers
        .iter()
        .map(|b| b.post_request(&take_url, &[("plads", &slot_value)]))
        .collect::<Result<Vec<_>, _>>()?;
    let t0 = Instant::now();
    let answers = loadgen::at_once(&http, requests).await;
    let won = answers.iter().filter(|a| **a == Answer::Seat).count();
    let refused = answers.iter().filter(|a| **a == Answer::Refused).count();
    let other = answers.len() - won - refused;
    let wall = t0.elapsed();
    let seats = svc.slot_seats(&actor, slot).await?;
    let accepted: Vec<_> = seats
        .iter()
        .filter_map(|s| match s.state {
            SeatState::Accepted { participant, .. } => Some(participant),
            _ => None,
        })
        .collect();
    let distinct: BTreeSet<_> = accepted.iter().collect();
    let ok = accepted.len() == SEATS as usize
        && distinct.len() == accepted.len()
        && won == SEATS as usize;
    println!(
        "sign-ups: {} simultaneous for {SEATS} seats in {:.2} s: {won} got a seat, {refused} were told it was taken, {other} other; seats accepted {}, distinct holders {} ({})",
        browsers.len(),
        wall.as_secs_f64(),
        accepted.len(),
        distinct.len(),
        if ok {
            "exactly 50, no double booking"
        } else {
            "WRONG"
        }
    );
    // 3. A backup of the København file while the host serves (issue 23).
    let copy = dir.path().join("kopi.db");
    let t0 = Instant::now();
    let done = tokio::task::spawn_blocking(move || valghalla::sqlite::backup(&db, &copy)).await??;
    println!(
        "backup of the København file while serving: {:.1} MB, {} pages, copied in {:.0} ms, checked (integrity_check) in {:.0} ms more",
        done.verified.bytes as f64 / 1e6,
        done.verified.pages,
        ms(done.copy_time),
        ms(t0.elapsed().saturating_sub(done.copy_time))
    );
    if !ok || p99 > Duration::from_millis(50) {
        return Err("a target was missed".into());
    }
    Ok(())
}
