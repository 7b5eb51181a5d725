//! Store benchmarks on the København-size dataset (53 stations, 2,400 seats, 3,000 people):
//! the staffing overview and one assignment command on each store, the minimal raw SQL
//! transaction making the same writes (SQLite, Postgres), and 16 concurrent clients on Postgres.
//!
//! `cargo bench --bench stores` (add `--features postgres` and set `VALGHALLA_PG_URL` for
//! Postgres). Numbers go to BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "benchmark"
)]

use criterion::{criterion_group, criterion_main};

/// What the benchmarks of every store share.
mod common {
    pub use std::sync::Arc;
    pub use std::time::{Duration, Instant};

    pub use criterion::Criterion;
    pub use tokio::runtime::Runtime;
    pub use valghalla::Valghalla;
    pub use valghalla::core::ids::{ParticipantId, SeatId};
    pub use valghalla::core::memory::MemoryStore;
    pub use valghalla::core::model::{SeatState, Trust};
    pub use valghalla::core::rules::access::{Actor, StaffRole};
    pub use valghalla::core::service::OverviewFilter;
    pub use valghalla::core::store::{DynStore, Query};
    use valghalla::core::testkit::FixedClock;
    pub use valghalla::core::testkit::generator::{Dataset, Spec};

    pub fn admin() -> Actor {
        Actor::Secretariat {
            user: "bench".into(),
            role: StaffRole::Administrator,
        }
    }

    pub fn dataset() -> Dataset {
        Dataset::generate(&Spec::kobenhavn(), 7)
    }

    pub async fn service(store: DynStore, data: &Dataset) -> Valghalla {
        store
            .apply(data.change_set())
            .await
            .expect("load the dataset");
        Valghalla::new(store, Arc::new(data.registry()))
            .with_clock(Arc::new(FixedClock::at(data.now)))
    }

    /// `n` (vacant seat, eligible participant without any seat) pairs on election day, each pair on
    /// its own seat and person, so invite/remove cycles never collide.
    pub fn pairs(data: &Dataset, n: usize) -> Vec<(SeatId, ParticipantId)> {
        let open: Vec<_> = data
            .task_types
            .iter()
            .filter(|t| t.trust == Trust::Open && t.check_eligibility)
            .map(|t| t.id)
            .collect();
        let seats = data
            .seats
            .iter()
            .filter(|s| {
                s.state == SeatState::Vacant
                    && s.slot.date == data.election.election_day()
                    && open.contains(&s.slot.task_type)
            })
            .map(|s| s.id);
        let busy: std::collections::BTreeSet<_> = data
            .seats
            .iter()
            .filter_map(|s| s.state.participant())
            .collect();
        let people = data
            .participants
            .iter()
            .filter(|p| p.person.municipality.is_some() && !busy.contains(&p.id))
            .map(|p| p.id);
        seats.zip(people).take(n).collect()
    }

    pub fn bench_service(
        c: &mut Criterion,
        rt: &Runtime,
        name: &str,
        svc: &Valghalla,
        data: &Dataset,
    ) {
        let admin = admin();
        let election = data.election.id;
        let (seat, person) = pairs(data, 1)[0];
        let mut group = c.benchmark_group(name);
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(4));
        group.bench_function("overview", |b| {
            b.to_async(rt).iter(|| async {
                svc.overview(&admin, election, &OverviewFilter::default())
                    .await
                    .unwrap()
            })
        });
        group.bench_function("invite", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let (svc, admin) = (svc.clone(), admin.clone());
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        svc.invite(&admin, seat, person).await.unwrap();
                        total += start.elapsed();
                        svc.remove_from_seat(&admin, seat).await.unwrap();
                    }
                    total
                }
            })
        });
        group.finish();
    }
}

use common::*;

fn memory(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let data = dataset();
    let svc = rt.block_on(service(Arc::new(MemoryStore::new()), &data));
    bench_service(c, &rt, "memory", &svc, &data);
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::common::*;
    use rusqlite::{Connection, params};
    use valghalla::sqlite::SqliteStore;

    pub fn bench(c: &mut Criterion) {
        let rt = Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.db");
        let data = dataset();
        let store = SqliteStore::open(&path).unwrap();
        let svc = rt.block_on(service(Arc::new(store), &data));
        bench_service(c, &rt, "sqlite", &svc, &data);
        let raw = Raw::new(&rt, &svc, &path, &data);
        let mut group = c.benchmark_group("sqlite_raw");
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(4));
        group.bench_function("invite_writes", |b| {
            b.iter_custom(|iters| (0..iters).map(|i| raw.invite(i)).sum())
        });
        group.finish();
        spread(&rt, &svc, &raw, &data);
    }

    /// The same writes as an invite — the seat's new state (version-checked), the participant
    /// touched (version-checked), one audit row, one outbox row, with the very documents and
    /// election ids the service wrote for this invitation — by hand, in one transaction.
    struct Raw {
        conn: Connection,
        seat: String,
        person: String,
        invited_doc: String,
        audit_doc: String,
        outbox_doc: String,
        audit_election: Option<String>,
        outbox_election: Option<String>,
    }

    impl Raw {
        fn new(rt: &Runtime, svc: &Valghalla, path: &std::path::Path, data: &Dataset) -> Raw {
            let conn = Connection::open(path).unwrap();
            conn.pragma_update(None, "journal_mode", "wal").unwrap();
            conn.pragma_update(None, "synchronous", "normal").unwrap();
            // The same constraints as the store's connection: a like-for-like baseline.
            conn.pragma_update(None, "foreign_keys", "on").unwrap();
            conn.pragma_update(None, "wal_autocheckpoint", 10_000)
                .unwrap();
            let (seat_id, person_id) = pairs(data, 2)[1];
            let (seat, person) = (seat_id.to_string(), person_id.to_string());
            rt.block_on(svc.invite(&admin(), seat_id, person_id))
                .unwrap();
            let doc = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
            let invited_doc = doc(&format!("SELECT doc FROM seat WHERE id = '{seat}'"));
            let audit_doc = doc("SELECT doc FROM audit ORDER BY seq DESC LIMIT 1");
            let outbox_doc = doc("SELECT doc FROM outbox ORDER BY created_at DESC LIMIT 1");
            // And the same indexed columns (an election id adds an index entry to the audit row).
            let column =
                |sql: &str| -> Option<String> { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
            let audit_election = column("SELECT election_id FROM audit ORDER BY seq DESC LIMIT 1");
            let outbox_election =
                column("SELECT election_id FROM outbox ORDER BY created_at DESC LIMIT 1");
            rt.block_on(svc.remove_from_seat(&admin(), seat_id))
                .unwrap();
            Raw {
                conn,
                seat,
                person,
                invited_doc,
                audit_doc,
                outbox_doc,
                audit_election,
                outbox_election,
            }
        }

        /// One invite's writes, timed (the versions it checks are read before the timer), and
        /// the seat made vacant again after it.
        fn invite(&self, i: u64) -> Duration {
            let Raw {
                conn, seat, person, ..
            } = self;
            let (sv, pv): (i64, i64) = conn
                .query_row(
                    "SELECT s.version, p.version FROM seat s, participant p WHERE s.id = ?1 AND p.id = ?2",
                    params![seat, person],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            let start = Instant::now();
            let tx = conn.unchecked_transaction().unwrap();
            let n = tx
                .prepare_cached("UPDATE seat SET state = 'invited', participant_id = ?1, doc = ?2, version = version + 1 WHERE id = ?3 AND version = ?4")
                .unwrap()
                .execute(params![person, self.invited_doc, seat, sv])
                .unwrap();
            assert_eq!(n, 1);
            let n = tx
                .prepare_cached(
                    "UPDATE participant SET version = version + 1 WHERE id = ?1 AND version = ?2",
                )
                .unwrap()
                .execute(params![person, pv])
                .unwrap();
            assert_eq!(n, 1);
            tx.prepare_cached("INSERT INTO audit (id, at, participant_id, election_id, doc) VALUES (?1, ?2, ?3, ?4, ?5)")
                .unwrap()
                .execute(params![uuid::Uuid::new_v4().to_string(), i as i64, person, self.audit_election, self.audit_doc])
                .unwrap();
            tx.prepare_cached("INSERT INTO outbox (id, created_at, participant_id, election_id, status, attempts, next_attempt_at, doc) VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?2, ?5)")
                .unwrap()
                .execute(params![uuid::Uuid::new_v4().to_string(), i as i64, person, self.outbox_election, self.outbox_doc])
                .unwrap();
            tx.commit().unwrap();
            let took = start.elapsed();
            conn.execute(
                "UPDATE seat SET state = 'vacant', participant_id = NULL, version = version + 1 WHERE id = ?1",
                params![seat],
            )
            .unwrap();
            took
        }
    }

    /// Criterion reports means, which include the rare slow commit (a checkpoint, the WAL
    /// growing); the typical command is the median. Prints both for 3,000 invites through the
    /// service and 3,000 raw transactions, alternating in blocks of 500.
    fn spread(rt: &Runtime, svc: &Valghalla, raw: &Raw, data: &Dataset) {
        let (seat, person) = pairs(data, 1)[0];
        let (mut commands, mut raws) = (Vec::new(), Vec::new());
        for block in 0..6u64 {
            for _ in 0..500 {
                let start = Instant::now();
                rt.block_on(svc.invite(&admin(), seat, person)).unwrap();
                commands.push(start.elapsed());
                rt.block_on(svc.remove_from_seat(&admin(), seat)).unwrap();
            }
            raws.extend((0..500).map(|i| raw.invite(block * 500 + i)));
        }
        let summary = |mut v: Vec<Duration>| {
            let mean = v.iter().sum::<Duration>() / v.len() as u32;
            v.sort();
            (mean, v[v.len() / 2])
        };
        let ((cm, cmed), (rm, rmed)) = (summary(commands), summary(raws));
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "sqlite per iteration (3,000 each): invite mean {cm:.0?} median {cmed:.0?}; raw mean \
             {rm:.0?} median {rmed:.0?}; ratio of means {:.2}, of medians {:.2}",
            ratio(cm, rm),
            ratio(cmed, rmed)
        );
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::common::*;
    use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
    use sqlx::{AssertSqlSafe, Connection, Executor};
    use valghalla::postgres::{PgStore, TenantId};

    pub fn bench(c: &mut Criterion) {
        let Ok(url) = std::env::var("VALGHALLA_PG_URL") else {
            eprintln!("SKIPPED: set VALGHALLA_PG_URL to benchmark the Postgres store");
            return;
        };
        let rt = Runtime::new().unwrap();
        let data = dataset();
        let tenant = format!("bench-{}", uuid::Uuid::new_v4().simple());
        // A database of its own, dropped at the end: rows and dead tuples left by earlier runs
        // (this machine's PostgreSQL runs without autovacuum) would slow every later run.
        let admin_options: PgConnectOptions = url.parse().unwrap();
        let database = format!("vh_bench_{}", uuid::Uuid::new_v4().simple());
        rt.block_on(async {
            let mut admin = PgConnection::connect_with(&admin_options).await.unwrap();
            admin
                .execute(AssertSqlSafe(format!("CREATE DATABASE {database}")))
                .await
                .unwrap();
        });
        let pool = rt
            .block_on(
                PgPoolOptions::new()
                    .max_connections(valghalla::postgres::DEFAULT_POOL_SIZE)
                    .connect_with(admin_options.clone().database(&database)),
            )
            .unwrap();
        rt.block_on(PgStore::migrate(&pool)).unwrap();
        let store: DynStore = Arc::new(PgStore::new(pool.clone(), TenantId::new(&tenant).unwrap()));
        let svc = rt.block_on(service(Arc::clone(&store), &data));
        bench_service(c, &rt, "postgres", &svc, &data);
        raw_invite(c, &rt, &pool, &tenant, &data);
        concurrent(&rt, &svc, &store, &data);
        drop(svc);
        rt.block_on(async {
            pool.close().await;
            let mut admin = PgConnection::connect_with(&admin_options).await.unwrap();
            admin
                .execute(AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {database} WITH (FORCE)"
                )))
                .await
                .unwrap();
        });
    }

    fn raw_invite(
        c: &mut Criterion,
        rt: &Runtime,
        pool: &sqlx::PgPool,
        tenant: &str,
        data: &Dataset,
    ) {
        let (seat, person) = pairs(data, 2)[1];
        let seat_doc: serde_json::Value = {
            let mut s = data.seats.iter().find(|s| s.id == seat).unwrap().clone();
            s.state = SeatState::Invited {
                participant: person,
                token: valghalla::core::model::InvitationToken::generate(),
                invited_at: data.now,
                last_reminder_at: None,
            };
            serde_json::to_value(&s).unwrap()
        };
        let vacant_doc =
            serde_json::to_value(data.seats.iter().find(|s| s.id == seat).unwrap()).unwrap();
        let audit_doc = serde_json::json!({"actor": "staff:bench", "action": "SeatChange", "description": "invited"});
        let outbox_doc = serde_json::json!({"kind": "Invitation", "status": "Pending", "facts": {"name": "Karen Jensen"}});
        let mut group = c.benchmark_group("postgres_raw");
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(4));
        group.bench_function("invite_writes", |b| {
            b.to_async(rt).iter_custom(|iters| {
                let (pool, tenant) = (pool.clone(), tenant.to_owned());
                let (seat_doc, vacant_doc, audit_doc, outbox_doc) =
                    (seat_doc.clone(), vacant_doc.clone(), audit_doc.clone(), outbox_doc.clone());
                async move {
                    let mut total = Duration::ZERO;
                    for i in 0..iters {
                        let (sv,): (i64,) = sqlx::query_as("SELECT version FROM valghalla.seat WHERE tenant = $1 AND id = $2")
                            .bind(&tenant)
                            .bind(seat.as_uuid())
                            .fetch_one(&pool)
                            .await
                            .unwrap();
                        let (pv,): (i64,) =
                            sqlx::query_as("SELECT version FROM valghalla.participant WHERE tenant = $1 AND id = $2")
                                .bind(&tenant)
                                .bind(person.as_uuid())
                                .fetch_one(&pool)
                                .await
                                .unwrap();
                        let start = Instant::now();
                        let mut tx = pool.begin().await.unwrap();
                        let n = sqlx::query("UPDATE valghalla.seat SET doc = $1, version = version + 1 WHERE tenant = $2 AND id = $3 AND version = $4")
                            .bind(&seat_doc).bind(&tenant).bind(seat.as_uuid()).bind(sv)
                            .execute(&mut *tx).await.unwrap().rows_affected();
                        assert_eq!(n, 1);
                        let n = sqlx::query("UPDATE valghalla.participant SET version = version + 1 WHERE tenant = $1 AND id = $2 AND version = $3")
                            .bind(&tenant).bind(person.as_uuid()).bind(pv)
                            .execute(&mut *tx).await.unwrap().rows_affected();
                        assert_eq!(n, 1);
                        sqlx::query("INSERT INTO valghalla.audit (tenant, at_ns, participant_id, election_id, doc) VALUES ($1, $2, $3, NULL, $4)")
                            .bind(&tenant).bind(i as i64).bind(person.as_uuid()).bind(&audit_doc)
                            .execute(&mut *tx).await.unwrap();
                        sqlx::query("INSERT INTO valghalla.outbox (tenant, id, created_ns, participant_id, election_id, attempts, next_attempt_ns, doc) VALUES ($1, $2, $3, $4, NULL, 0, $3, $5)")
                            .bind(&tenant).bind(uuid::Uuid::new_v4()).bind(i as i64).bind(person.as_uuid()).bind(&outbox_doc)
                            .execute(&mut *tx).await.unwrap();
                        tx.commit().await.unwrap();
                        total += start.elapsed();
                        sqlx::query("UPDATE valghalla.seat SET doc = $1, version = version + 1 WHERE tenant = $2 AND id = $3")
                            .bind(&vacant_doc).bind(&tenant).bind(seat.as_uuid())
                            .execute(&pool).await.unwrap();
                    }
                    total
                }
            })
        });
        group.finish();
    }

    /// 16 clients, each cycling invite → remove on its own seat and person; then check that no
    /// one holds two seats. Prints commands per second.
    fn concurrent(rt: &Runtime, svc: &Valghalla, store: &DynStore, data: &Dataset) {
        let pairs = pairs(data, 20)[4..20].to_vec();
        let per_client = 150;
        let start = Instant::now();
        rt.block_on(async {
            let mut handles = Vec::new();
            for (seat, person) in pairs.clone() {
                let svc = svc.clone();
                handles.push(tokio::spawn(async move {
                    let admin = admin();
                    for _ in 0..per_client {
                        svc.invite(&admin, seat, person).await.unwrap();
                        svc.remove_from_seat(&admin, seat).await.unwrap();
                    }
                }));
            }
            for h in handles {
                h.await.unwrap();
            }
        });
        let elapsed = start.elapsed();
        let commands = pairs.len() * per_client * 2;
        let per_second = commands as f64 / elapsed.as_secs_f64();
        let holders = rt.block_on(async {
            let mut max = 0;
            for (_, person) in &pairs {
                max = max.max(
                    store
                        .query(&Query::SeatsOfParticipant(*person))
                        .await
                        .unwrap()
                        .len(),
                );
            }
            max
        });
        assert!(holders <= 1, "double booking");
        println!(
            "postgres/16 clients: {commands} assignment commands in {elapsed:.2?} = {per_second:.0} per second; no double booking"
        );
    }
}

fn sqlite(c: &mut Criterion) {
    #[cfg(feature = "sqlite")]
    sqlite::bench(c);
    let _ = c;
}

fn postgres(c: &mut Criterion) {
    #[cfg(feature = "postgres")]
    postgres::bench(c);
    let _ = c;
}

criterion_group!(benches, memory, sqlite, postgres);
criterion_main!(benches);
