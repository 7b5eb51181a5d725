//! One host for the whole country: a bounded load test of the hosted portal over loopback HTTP.
//!
//! The testkit's whole-country data (98 municipalities, ≈1,384 stations, ≈44,000 seats,
//! ≈55,000 people) is loaded as 98 tenants into one Postgres database (a database of its own,
//! dropped afterwards), and served by two hosts — two routers in this process, each with its
//! own connection pool and sessions — that choose the municipality by host name. It prints one
//! line per figure:
//!
//! 1. the overview page under 32 concurrent clients spread over all tenants and both hosts:
//!    p50, p95, p99 (target p99 ≤ 50 ms);
//! 2. a wave of 2,000 sign-ups through the tenants' vacancy links, on both hosts at once — each
//!    person sends two at the same instant, one to each host, for two seats at the same time:
//!    accepted, refused, errors and `double bookings: N` (target: 0 errors, 0 double bookings);
//! 3. the process's resident memory after the run (both hosts; target ≤ 200 MB each);
//! 4. memory growth over 50,000 anonymous requests (target: flat, ≤ 5 MB).
//!
//! Run with `cargo bench -p valghalla-portal --bench hosted` and `VALGHALLA_PG_URL` set (it
//! says SKIPPED without). `VALGHALLA_HOSTED_SCALE=0.1` runs a tenth of everything (at least
//! two tenants) for a quick check. Figures are recorded in `BENCHMARKS.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
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

type Error = Box<dyn std::error::Error + Send + Sync>;
type Http = Client<HttpConnector, Body>;

const CLIENTS: usize = 32;
const REQUESTS_PER_CLIENT: usize = 40;
const SIGNUPS: usize = 2_000;
const ANONYMOUS: usize = 50_000;
const POOL: u32 = 16;

fn main() -> Result<(), Error> {
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run(&url, scale))
}

/// A browser's cookies and the last CSRF token it saw, talking to one host name.
#[derive(Clone, Default)]
struct Browser {
    host: String,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(
        &mut self,
        http: &Http,
        req: Request<Body>,
    ) -> Result<(StatusCode, String), Error> {
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
        let body = axum::body::to_bytes(Body::new(res.into_body()), usize::MAX).await?;
        let body = String::from_utf8_lossy(&body).into_owned();
        if let Some(t) = body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            self.csrf = t.to_owned();
        }
        Ok((status, body))
    }

    async fn get(&mut self, http: &Http, url: &str) -> Result<(StatusCode, String), Error> {
        let req = Request::get(url)
            .header(header::HOST, &self.host)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())?;
        self.send(http, req).await
    }

    fn post_request(&self, url: &str, pairs: &[(&str, &str)]) -> Result<Request<Body>, Error> {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(pairs);
        Ok(Request::post(url)
            .header(header::HOST, &self.host)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&all)?))?)
    }

    /// Logs in as the identity `who` of the municipality at `host`, then opens `then`.
    async fn login(
        http: &Http,
        base: &str,
        host: &str,
        who: &str,
        then: &str,
    ) -> Result<Browser, Error> {
        let mut b = Browser {
            host: host.to_owned(),
            ..Browser::default()
        };
        b.get(http, &format!("{base}/login")).await?;
        let req = b.post_request(
            &format!("{base}/login"),
            &[("identitet", who), ("next", "/")],
        )?;
        let (status, _) = b.send(http, req).await?;
        if status != StatusCode::SEE_OTHER {
            return Err(format!("login as {who} at {host}: {status}").into());
        }
        b.get(http, &format!("{base}{then}")).await?;
        Ok(b)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The process's resident memory in MB (Linux), 0 where it cannot be read.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The machine's load average over the last minute, as `/proc/loadavg` says.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
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

/// The identities a tenant logs in: the secretariat and the signers.
fn authenticator(m: &Municipality) -> DemoAuthenticator {
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
    for (key, cpr, name) in &m.logins {
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

/// A host: a router over its own pool, serving every municipality by host name.
async fn host(
    url: &str,
    municipalities: &[Municipality],
) -> Result<(String, PortalState, PgPool), Error> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(POOL)
        .connect(url)
        .await?;
    let mut tenants = Vec::new();
    for m in municipalities {
        let store: DynStore = Arc::new(PgStore::new(pool.clone(), m.tenant.clone()));
        // Nobody registers: the hosts need no person registry (a real one is a remote service).
        let svc = demo::service(store, FakeRegistry::new(), "http://127.0.0.1");
        let tenant = Tenant::new(m.tenant.as_str(), svc, Arc::new(authenticator(m)));
        tenants.push((vec![m.host.clone()], tenant));
    }
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
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(valghalla_portal::serve(
        listener,
        state.clone(),
        std::future::pending(),
    ));
    Ok((base, state, pool))
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
    loader.close().await;
    let (stations, seats, people) = municipalities.iter().fold((0, 0, 0), |(a, b, c), m| {
        (a + m.size.0, b + m.size.1, c + m.size.2)
    });
    println!(
        "loaded {n} tenants ({stations} stations, {seats} seats, {people} people) into one Postgres database in {:.1} s; load average {}",
        started.elapsed().as_secs_f64(),
        load_average()
    );
    let (base_a, state_a, pool_a) = host(url, &municipalities).await?;
    let (base_b, state_b, pool_b) = host(url, &municipalities).await?;
    let bases = [base_a.clone(), base_b.clone()];
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build_http();

    // 1. The overview under 32 concurrent clients, spread over every tenant and both hosts.
    let mut admins = Vec::new();
    for (i, m) in municipalities.iter().enumerate() {
        let base = &bases[i % 2];
        let b = Browser::login(&http, base, &m.host, "admin", "/sekretariat").await?;
        let url = format!("{base}/sekretariat/valg/{}/oversigt", m.election);
        admins.push((b, url));
    }
    for (b, url) in &admins {
        let (status, _) = b.clone().get(&http, url).await?;
        if status != StatusCode::OK {
            return Err(format!("overview answered {status}").into());
        }
    }
    let admins = Arc::new(admins);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (http, admins) = (http.clone(), Arc::clone(&admins));
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::with_capacity(REQUESTS_PER_CLIENT);
            for r in 0..REQUESTS_PER_CLIENT {
                let (b, url) = &admins[(c * REQUESTS_PER_CLIENT + r) % admins.len()];
                let mut b = b.clone();
                let t = Instant::now();
                let (status, _) = b.get(&http, url).await?;
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
        "overview, {CLIENTS} clients over {n} tenants on 2 hosts: {} requests in {:.2} s; p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms (target p99 ≤ 50 ms: {}); load average {}",
        latencies.len(),
        wall.as_secs_f64(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(p99),
        if p99 <= Duration::from_millis(50) {
            "met"
        } else {
            "MISSED"
        },
        load_average()
    );

    // 2. The sign-up wave: every signer logs in on both hosts, then sends two sign-ups at the
    //    same instant, one to each host, for two seats at the same time of day.
    let mut requests = Vec::new();
    for m in &municipalities {
        for (i, _, a, b) in &m.signers {
            let who = format!("b{i}");
            let on_a = Browser::login(&http, &base_a, &m.host, &who, &m.link).await?;
            let on_b = Browser::login(&http, &base_b, &m.host, &who, &m.link).await?;
            requests.push(on_a.post_request(
                &format!("{base_a}{}/tag", m.link),
                &[("plads", &slot_value(a))],
            )?);
            requests.push(on_b.post_request(
                &format!("{base_b}{}/tag", m.link),
                &[("plads", &slot_value(b))],
            )?);
        }
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for req in requests {
        let (http, barrier) = (http.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
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
    let (mut accepted, mut refused, mut errors) = (0usize, 0usize, 0usize);
    for t in tasks {
        match t.await? {
            Ok((StatusCode::SEE_OTHER, l)) if l == "/mine-opgaver" => accepted += 1,
            Ok((StatusCode::OK, _)) => refused += 1,
            _ => errors += 1,
        }
    }
    let wall = t0.elapsed();
    // Double bookings: a signer holding two seats whose times overlap.
    let mut double = 0usize;
    let mut held_total = 0usize;
    for m in &municipalities {
        let store = PgStore::new(pool_a.clone(), m.tenant.clone());
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
    println!(
        "sign-up wave: {} sign-ups on 2 hosts at once in {:.2} s: accepted {accepted}, refused {refused}, errors {errors}; seats held by the signers {held_total}; double bookings: {double} (target 0 errors, 0 double bookings: {}); load average {}",
        accepted + refused + errors,
        wall.as_secs_f64(),
        if errors == 0 && double == 0 && held_total == accepted {
            "met"
        } else {
            "MISSED"
        },
        load_average()
    );

    // 3. Resident memory after the run.
    let rss = rss_mb();
    println!(
        "resident memory after the run: {rss:.0} MB for the process holding both hosts (target ≤ 200 MB per host: {})",
        if rss <= 200.0 { "met" } else { "MISSED" }
    );

    // 4. Memory growth over anonymous requests (front page, login page, contact page, a
    //    missing page), spread over the tenants and both hosts, 64 at a time.
    let anonymous = ((ANONYMOUS as f64 * scale).round() as usize).max(1000);
    let paths = ["/", "/login", "/kontakt", "/findes-ikke"];
    let hosts: Arc<Vec<String>> = Arc::new(municipalities.iter().map(|m| m.host.clone()).collect());
    let warm = |count: usize| {
        let (http, hosts, bases) = (http.clone(), Arc::clone(&hosts), bases.clone());
        async move {
            let mut tasks = Vec::new();
            for w in 0..64usize {
                let (http, hosts, bases) = (http.clone(), Arc::clone(&hosts), bases.clone());
                tasks.push(tokio::spawn(async move {
                    let mut i = w;
                    while i < count {
                        let req = Request::get(format!("{}{}", bases[i % 2], paths[i % 4]))
                            .header(header::HOST, &hosts[i % hosts.len()])
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
            Ok::<_, Error>(())
        }
    };
    warm(2_000).await?;
    let before = rss_mb();
    let t0 = Instant::now();
    warm(anonymous).await?;
    let after = rss_mb();
    let growth = after - before;
    println!(
        "memory growth over {anonymous} anonymous requests ({:.1} s): {before:.0} MB → {after:.0} MB, {growth:+.1} MB (target ≤ 5 MB: {}); load average {}",
        t0.elapsed().as_secs_f64(),
        if growth <= 5.0 { "met" } else { "MISSED" },
        load_average()
    );
    drop((state_a, state_b));
    pool_a.close().await;
    pool_b.close().await;
    Ok(())
}
