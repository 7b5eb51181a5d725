//! One host for the whole country: a bounded load test of the hosted portal over loopback HTTP.
//!
//! The testkit's whole-country data (98 municipalities, ≈1,384 stations, ≈44,000 seats,
//! ≈55,000 people) is loaded as 98 tenants into one Postgres database (a database of its own,
//! dropped afterwards), and served by two hosts — two processes, each with its own connection
//! pool and sessions — that choose the municipality by host name. The benchmark itself is only
//! the client (and the one who checks the store afterwards). It prints one line per figure:
//!
//! 1. the overview page under 32 concurrent clients spread over all tenants and both hosts:
//!    p50, p95, p99 (target p99 ≤ 50 ms), and — to show what bounds the tail — the first
//!    computation of each tenant's page and the requests that found it gone stale;
//! 2. a wave of 2,000 sign-ups through the tenants' vacancy links, on both hosts at once — each
//!    person sends two at the same instant, one to each host, for two seats at the same time:
//!    accepted, refused, errors and `double bookings: N` (target: 0 errors, 0 double bookings);
//! 3. each host process's resident memory after the run (target ≤ 200 MB each);
//! 4. each host's memory growth over 50,000 anonymous requests (target: flat, ≤ 5 MB).
//!
//! The host processes are this benchmark's own executable started again with
//! `VALGHALLA_HOSTED_SERVE=1`: a host embedding `valghalla-portal` (as a real municipality does,
//! with its own login — here one login per signer), since the `valghalla-portal` binary serves
//! only the demo municipality. Each reads its tenants as one JSON line on stdin, prints the
//! address it serves on, and stops when its stdin closes.
//!
//! Run with `cargo bench -p valghalla-portal --bench hosted` and `VALGHALLA_PG_URL` set (it
//! says SKIPPED without). `VALGHALLA_HOSTED_SCALE=0.1` runs a tenth of everything (at least
//! two tenants) for a quick check. Figures are recorded in `BENCHMARKS.md`.

#[path = "support/loadgen.rs"]
#[allow(
    dead_code,
    reason = "shared with the other users of the load generator"
)]
mod loadgen;

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use serde::{Deserialize, Serialize};
use valghalla::core::Cpr;
use valghalla::core::ids::{ElectionId, ParticipantId, TaskTypeId};
use valghalla::core::model::{LinkKind, Record, SeatState, SlotKey, Trust, VacancyFilter};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::store::{DynStore, Query, Store};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::testkit::generator::Spec;
use valghalla::core::time::TimeWindow;
use valghalla::postgres::{PgPool, PgStore, TenantId};
use valghalla_portal::{
    DemoAuthenticator, Identity, LoginLimits, LoginOption, PortalConfig, PortalState, Sessions,
    Tenant, demo,
};

use loadgen::{Answer, Browser, Error, Http, load_average, ms, percentile, rss_mb};

const CLIENTS: usize = 32;
const REQUESTS_PER_CLIENT: usize = 40;
const SIGNUPS: usize = 2_000;
const ANONYMOUS: usize = 50_000;
const POOL: u32 = 16;
/// Set in the environment of the host processes.
const SERVE: &str = "VALGHALLA_HOSTED_SERVE";

fn main() -> Result<(), Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if std::env::var_os(SERVE).is_some() {
        return rt.block_on(serve_host());
    }
    let Some(url) = std::env::var("VALGHALLA_PG_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        println!("SKIPPED: set VALGHALLA_PG_URL to run the hosted benchmark");
        return Ok(());
    };
    let scale: f64 = std::env::var("VALGHALLA_HOSTED_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &f64| *s > 0.0 && *s <= 1.0)
        .unwrap_or(1.0);
    rt.block_on(run(&url, scale))
}

/// What a host process serves: the database and, per municipality, its tenant id, host name
/// and logins.
#[derive(Serialize, Deserialize)]
struct HostSpec {
    url: String,
    tenants: Vec<TenantSpec>,
}

#[derive(Serialize, Deserialize)]
struct TenantSpec {
    tenant: String,
    host: String,
    /// The signers' logins: key, CPR number, name.
    logins: Vec<(String, Cpr, String)>,
}

/// The identities a tenant logs in: the secretariat and the signers.
fn authenticator(t: &TenantSpec) -> DemoAuthenticator {
    let option = |key: String| LoginOption {
        key,
        label: String::new(),
        description: String::new(),
        start: None,
    };
    let mut ids = vec![(
        option("admin".into()),
        Identity::Staff {
            user: "bench".into(),
            name: "Bench".into(),
            role: StaffRole::Administrator,
        },
    )];
    for (key, cpr, name) in &t.logins {
        ids.push((
            option(key.clone()),
            Identity::Citizen {
                cpr: *cpr,
                name: name.clone(),
            },
        ));
    }
    DemoAuthenticator::new(ids)
}

/// A host process: reads its [`HostSpec`] from stdin, serves every municipality by host name
/// over its own pool, prints its base URL, and stops when stdin closes.
async fn serve_host() -> Result<(), Error> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let spec: HostSpec = serde_json::from_str(&line)?;
    drop(line);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(POOL)
        .connect(&spec.url)
        .await?;
    let mut tenants = Vec::new();
    for t in &spec.tenants {
        let store: DynStore = Arc::new(PgStore::new(pool.clone(), TenantId::new(&t.tenant)?));
        // Nobody registers: the hosts need no person registry (a real one is a remote service).
        let svc = demo::service(store, FakeRegistry::new(), "http://127.0.0.1");
        let tenant = Tenant::new(t.tenant.as_str(), svc, Arc::new(authenticator(t)));
        tenants.push((vec![t.host.clone()], tenant));
    }
    drop(spec);
    let config = PortalConfig {
        login_limits: LoginLimits {
            per_address_burst: 1_000_000,
            per_identity_burst: 1_000,
            ..LoginLimits::default()
        },
        ..PortalConfig::default()
    };
    let state = PortalState::hosted(config, tenants, Sessions::memory())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "http://{}", listener.local_addr()?)?;
    out.flush()?;
    drop(out);
    let stdin_closed = async {
        let _ = tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().lock().read_to_end(&mut Vec::new());
        })
        .await;
    };
    valghalla_portal::serve(listener, state, stdin_closed).await?;
    pool.close().await;
    Ok(())
}

/// A running host process; killed if the benchmark stops early.
struct HostProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    base: String,
}

impl HostProcess {
    /// Starts this executable as a host for `municipalities` on the database at `url`.
    async fn start(url: &str, municipalities: &[Municipality]) -> Result<HostProcess, Error> {
        let spec = HostSpec {
            url: url.to_owned(),
            tenants: municipalities
                .iter()
                .map(|m| TenantSpec {
                    tenant: m.tenant.as_str().to_owned(),
                    host: m.host.clone(),
                    logins: m.logins.clone(),
                })
                .collect(),
        };
        let mut line = serde_json::to_string(&spec)?;
        line.push('\n');
        let mut child = Command::new(std::env::current_exe()?)
            .env(SERVE, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut stdin = child.stdin.take().ok_or("the host's stdin")?;
        let stdout = child.stdout.take().ok_or("the host's stdout")?;
        stdin.write_all(line.as_bytes())?;
        stdin.flush()?;
        let base = tokio::task::spawn_blocking(move || {
            let mut base = String::new();
            std::io::BufReader::new(stdout)
                .read_line(&mut base)
                .map(|_| base)
        })
        .await??;
        let base = base.trim().to_owned();
        let process = HostProcess {
            child,
            stdin: Some(stdin),
            base,
        };
        if !process.base.starts_with("http://") {
            return Err("a host process did not start (see its errors above)".into());
        }
        Ok(process)
    }

    /// Its resident memory in MB.
    fn rss(&self) -> Result<f64, Error> {
        rss_mb(&self.child.id().to_string()).ok_or_else(|| "cannot read a host's VmRSS".into())
    }

    /// Closes its stdin (it finishes the requests in progress and stops) and waits for it,
    /// ten seconds at most.
    async fn stop(mut self) -> Result<(), Error> {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait()? {
                if !status.success() {
                    return Err(format!("a host process ended with {status}").into());
                }
                return Ok(());
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return Err("a host process did not stop within 10 s of its stdin closing".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A database of the benchmark's own in the server of `admin_url`; its URL.
async fn own_database(admin_url: &str) -> Result<(String, String), Error> {
    use sqlx::Connection;
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, ""), |(b, q)| (b, q));
    let (server, _) = base
        .rsplit_once('/')
        .ok_or("VALGHALLA_PG_URL names a database")?;
    let name = format!(
        "vh_bench_{}",
        uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .get(..12)
            .unwrap_or("x")
    );
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    // `name` is made here of ASCII letters, digits and `_`.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let url = if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    };
    Ok((name, url))
}

async fn drop_database(admin_url: &str, name: &str) -> Result<(), Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(())
}

/// One municipality as the benchmark uses it (the generated data itself is dropped once
/// loaded, so the resident memory measured is the hosts').
struct Municipality {
    election: ElectionId,
    /// Stations, seats and people loaded.
    size: (usize, usize, usize),
    /// The signers' logins: key, CPR number, name.
    logins: Vec<(String, valghalla::core::Cpr, String)>,
    host: String,
    tenant: TenantId,
    /// Everyone who signs up: members of the link's team holding no seat, with the two slots
    /// they race for.
    signers: Vec<(usize, ParticipantId, SlotKey, SlotKey)>,
    link: String,
    windows: HashMap<TaskTypeId, valghalla::core::time::DailyWindow>,
}

/// Loads one municipality and prepares its sign-ups: a vacancy link of its first party, and
/// `want` members without a seat, each racing for two vacant election-day seats.
async fn load_municipality(
    pool: &PgPool,
    spec: &Spec,
    want: usize,
    today: chrono::NaiveDate,
) -> Result<Municipality, Error> {
    let ds = demo::dataset(spec, today)?;
    let tenant = TenantId::new(&format!("k{}", spec.code))?;
    let store: DynStore = Arc::new(PgStore::new(pool.clone(), tenant.clone()));
    store.apply(ds.change_set()).await?;
    let svc = demo::service(store, demo::registry(&ds)?, "http://127.0.0.1");
    let admin = Actor::Secretariat {
        user: "bench".into(),
        role: StaffRole::Administrator,
    };
    let team = ds.teams[0].id;
    let link = svc
        .create_link(
            &admin,
            LinkKind::Vacancies(VacancyFilter {
                election: ds.election.id,
                team,
                areas: BTreeSet::new(),
                work_locations: BTreeSet::new(),
                task_types: BTreeSet::new(),
                dates: BTreeSet::new(),
                include_trusted: false,
            }),
        )
        .await?;
    let open: BTreeSet<TaskTypeId> = ds
        .task_types
        .iter()
        .filter(|t| t.trust == Trust::Open)
        .map(|t| t.id)
        .collect();
    let day = ds.election.election_day();
    let mut slots: Vec<SlotKey> = ds
        .seats
        .iter()
        .filter(|s| {
            s.state == SeatState::Vacant
                && s.slot.team == team
                && s.slot.date == day
                && open.contains(&s.slot.task_type)
        })
        .map(|s| s.slot)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    slots.sort();
    let holding: BTreeSet<ParticipantId> = ds
        .seats
        .iter()
        .filter_map(|s| s.state.participant())
        .collect();
    let mut signers = Vec::new();
    if slots.len() >= 2 {
        for (i, p) in ds
            .participants
            .iter()
            .filter(|p| p.teams.contains(&team) && !holding.contains(&p.id))
            .take(want)
            .enumerate()
        {
            let a = slots[i % slots.len()];
            let b = slots[(i + 1) % slots.len()];
            signers.push((i, p.id, a, b));
        }
    }
    let windows = ds.task_types.iter().map(|t| (t.id, t.window)).collect();
    let people: HashMap<ParticipantId, &valghalla::core::model::Participant> =
        ds.participants.iter().map(|p| (p.id, p)).collect();
    let logins = signers
        .iter()
        .filter_map(|(i, who, _, _)| {
            people
                .get(who)
                .map(|p| (format!("b{i}"), p.cpr, p.full_name()))
        })
        .collect();
    Ok(Municipality {
        election: ds.election.id,
        size: (
            ds.work_locations.len(),
            ds.seats.len(),
            ds.participants.len(),
        ),
        logins,
        host: format!("valg.k{}.test", spec.code),
        link: format!("/link/{}", link.token.as_str()),
        tenant,
        signers,
        windows,
    })
}

fn slot_value(s: &SlotKey) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        s.election, s.work_location, s.task_type, s.team, s.date
    )
}

async fn run(admin_url: &str, scale: f64) -> Result<(), Error> {
    let (db, url) = own_database(admin_url).await?;
    let outcome = bench(&url, scale).await;
    drop_database(admin_url, &db).await?;
    outcome
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

async fn bench(url: &str, scale: f64) -> Result<(), Error> {
    let started = Instant::now();
    let loader = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect(url)
        .await?;
    PgStore::migrate(&loader).await?;
    let mut specs = Spec::country();
    let n = ((specs.len() as f64 * scale).round() as usize).clamp(2, specs.len());
    specs.truncate(n);
    let signups = ((SIGNUPS as f64 * scale).round() as usize).max(2 * n);
    let per_tenant = signups.div_ceil(2 * n);
    let today = demo::today();
    let mut municipalities = Vec::new();
    for spec in &specs {
        municipalities.push(load_municipality(&loader, spec, per_tenant, today).await?);
    }
    let (stations, seats, people) = municipalities.iter().fold((0, 0, 0), |(a, b, c), m| {
        (a + m.size.0, b + m.size.1, c + m.size.2)
    });
    println!(
        "loaded {n} tenants ({stations} stations, {seats} seats, {people} people) into one Postgres database in {:.1} s; load average {}",
        started.elapsed().as_secs_f64(),
        load_average()
    );
    let hosts = [
        HostProcess::start(url, &municipalities).await?,
        HostProcess::start(url, &municipalities).await?,
    ];
    let bases = [hosts[0].base.clone(), hosts[1].base.clone()];
    let http: Http = loadgen::http_client(64);

    // 1. The overview under 32 concurrent clients, spread over every tenant and both hosts.
    //    Each tenant's page is computed once first (timed: the cold computation), then the
    //    clients run; a tenant's first request in the run may find its page older than the
    //    cache's lifetime (`PageCache::TTL`): it is answered from the old page while one render
    //    refreshes it in the background, so the answers showing a newly counted page are shown
    //    apart.
    let mut admins = Vec::new();
    for (i, m) in municipalities.iter().enumerate() {
        let base = &bases[i % 2];
        let b = Browser::login(&http, base, Some(&m.host), "admin", "/sekretariat").await?;
        let url = format!("{base}/sekretariat/valg/{}/oversigt", m.election);
        admins.push((b, url));
    }
    let mut cold = Vec::new();
    for (b, url) in &admins {
        let t = Instant::now();
        let reply = b.clone().get(&http, url).await?;
        cold.push(t.elapsed());
        if reply.status != axum::http::StatusCode::OK {
            return Err(format!("overview answered {}", reply.status).into());
        }
    }
    cold.sort();
    let admins = Arc::new(admins);
    let (samples, wall) = loadgen::closed_loop(
        &http,
        Arc::clone(&admins),
        CLIENTS,
        REQUESTS_PER_CLIENT,
        computed_at,
    )
    .await?;
    let latencies = loadgen::sorted_latencies(&samples);
    // An answer whose "Optalt kl." a tenant's host had not shown before in the run shows a
    // newly counted page (counted in the background, or while it waited if the entry was
    // missing); the others came from the cache unchanged.
    let mut by_start = samples.clone();
    by_start.sort_by_key(|s| s.start);
    let mut seen = BTreeSet::new();
    let (fresh, cached): (Vec<_>, Vec<_>) = by_start
        .iter()
        .partition(|s| seen.insert((s.target, s.mark.clone())));
    let (fresh, cached) = (
        loadgen::sorted_latencies(fresh),
        loadgen::sorted_latencies(cached),
    );
    let p99 = percentile(&latencies, 0.99);
    println!(
        "overview, {CLIENTS} clients over {n} tenants on 2 hosts: {} requests in {:.2} s; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (target p99 ≤ 50 ms: {}); load average {}",
        latencies.len(),
        wall.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(p99),
        verdict(p99 <= Duration::from_millis(50)),
        load_average()
    );
    println!(
        "  where the time goes: each tenant's first computation, one at a time: p50 {:.1} ms, max {:.1} ms; in the run, answers showing a newly counted page (pages are refreshed after {} s) {}: p50 {:.1} ms, p99 {:.1} ms; answers from the cache {}: p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(&cold, 0.5)),
        ms(cold.last().copied().unwrap_or_default()),
        valghalla_portal::PageCache::TTL.as_secs(),
        fresh.len(),
        ms(percentile(&fresh, 0.5)),
        ms(percentile(&fresh, 0.99)),
        cached.len(),
        ms(percentile(&cached, 0.5)),
        ms(percentile(&cached, 0.99)),
    );

    // 2. The sign-up wave: every signer logs in on both hosts, then sends two sign-ups at the
    //    same instant, one to each host, for two seats at the same time of day.
    let mut requests = Vec::new();
    for m in &municipalities {
        for (i, _, a, b) in &m.signers {
            let who = format!("b{i}");
            for (base, slot) in [(&bases[0], a), (&bases[1], b)] {
                let browser = Browser::login(&http, base, Some(&m.host), &who, &m.link).await?;
                requests.push(browser.post_request(
                    &format!("{base}{}/tag", m.link),
                    &[("plads", &slot_value(slot))],
                )?);
            }
        }
    }
    let t0 = Instant::now();
    let answers = loadgen::at_once(&http, requests).await;
    let wall = t0.elapsed();
    let accepted = answers.iter().filter(|a| **a == Answer::Seat).count();
    let refused = answers.iter().filter(|a| **a == Answer::Refused).count();
    let errors = answers.len() - accepted - refused;
    // Double bookings: a signer holding two seats whose times overlap.
    let checker = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await?;
    let (double, held_total) = double_bookings(&checker, &municipalities).await?;
    checker.close().await;
    println!(
        "sign-up wave: {} sign-ups on 2 hosts at once in {:.2} s: accepted {accepted}, refused {refused}, errors {errors}; seats held by the signers {held_total}; double bookings: {double} (target 0 errors, 0 double bookings: {}); load average {}",
        answers.len(),
        wall.as_secs_f64(),
        verdict(errors == 0 && double == 0 && held_total == accepted),
        load_average()
    );

    // 3. Each host process's resident memory after the run.
    let rss = [hosts[0].rss()?, hosts[1].rss()?];
    println!(
        "resident memory after the run: host 1 {:.0} MB, host 2 {:.0} MB, each its own process serving {n} tenants (target ≤ 200 MB per host: {}); load average {}",
        rss[0],
        rss[1],
        verdict(rss.iter().all(|r| *r <= 200.0)),
        load_average()
    );

    // 4. Memory growth over anonymous requests (front page, login page, contact page, a
    //    missing page), spread over the tenants and both hosts, 64 at a time.
    let anonymous = ((ANONYMOUS as f64 * scale).round() as usize).max(1000);
    let names: Arc<Vec<String>> = Arc::new(municipalities.iter().map(|m| m.host.clone()).collect());
    drop(municipalities);
    anonymous_requests(&http, &bases, &names, 2_000).await?;
    let before = [hosts[0].rss()?, hosts[1].rss()?];
    let t0 = Instant::now();
    anonymous_requests(&http, &bases, &names, anonymous).await?;
    let after = [hosts[0].rss()?, hosts[1].rss()?];
    let growth = [after[0] - before[0], after[1] - before[1]];
    println!(
        "memory growth over {anonymous} anonymous requests ({:.1} s): host 1 {:.0} MB → {:.0} MB, {:+.1} MB; host 2 {:.0} MB → {:.0} MB, {:+.1} MB (target ≤ 5 MB each: {}); load average {}",
        t0.elapsed().as_secs_f64(),
        before[0],
        after[0],
        growth[0],
        before[1],
        after[1],
        growth[1],
        verdict(growth.iter().all(|g| *g <= 5.0)),
        load_average()
    );
    drop(http);
    let [a, b] = hosts;
    a.stop().await?;
    b.stop().await?;
    Ok(())
}

/// When the overview page was computed, as it says ("Optalt kl. 08:15:02").
fn computed_at(body: &str) -> Option<String> {
    body.split("Optalt kl. ")
        .nth(1)
        .and_then(|r| r.split('.').next())
        .map(str::to_owned)
}

/// Counts the signers' overlapping seats (double bookings) and the seats they hold.
async fn double_bookings(
    pool: &PgPool,
    municipalities: &[Municipality],
) -> Result<(usize, usize), Error> {
    let mut double = 0usize;
    let mut held_total = 0usize;
    for m in municipalities {
        let store = PgStore::new(pool.clone(), m.tenant.clone());
        for (_, who, _, _) in &m.signers {
            let held: Vec<TimeWindow> = store
                .query(&Query::SeatsOfParticipant(*who))
                .await?
                .into_iter()
                .filter_map(|v| match v.value {
                    Record::Seat(s) => m.windows.get(&s.slot.task_type).map(|w| w.on(s.slot.date)),
                    _ => None,
                })
                .collect();
            held_total += held.len();
            for (i, a) in held.iter().enumerate() {
                double += held[i + 1..].iter().filter(|b| a.overlaps(b)).count();
            }
        }
    }
    Ok((double, held_total))
}

/// `count` anonymous GETs, 64 at a time, request `i` to host `i mod 2`, path `i mod 4` and
/// municipality `i mod n`.
async fn anonymous_requests(
    http: &Http,
    bases: &[String; 2],
    names: &Arc<Vec<String>>,
    count: usize,
) -> Result<(), Error> {
    const PATHS: [&str; 4] = ["/", "/login", "/kontakt", "/findes-ikke"];
    let mut tasks = Vec::new();
    for w in 0..64usize {
        let (http, names, bases) = (http.clone(), Arc::clone(names), bases.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = w;
            while i < count {
                let req = Request::get(format!("{}{}", bases[i % 2], PATHS[i % 4]))
                    .header(header::HOST, &names[i % names.len()])
                    .body(Body::empty())?;
                let res = http.request(req).await?;
                axum::body::to_bytes(Body::new(res.into_body()), usize::MAX).await?;
                i += 64;
            }
            Ok::<_, Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}
