//! Importing 10,000 participants into a file-backed SQLite store (issue 9's budget: ≤ 3 s).
//!
//! The CSV is generated from the testkit generator (København's master data, 10,000 people);
//! each iteration opens a fresh database in a temporary directory with only the master data,
//! reads the CSV and imports it in one change set. A second case re-imports the same file into
//! a store that already holds everyone (every row "unchanged"). Results: `BENCHMARKS.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "bench code"
)]

use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use valghalla::Valghalla;
use valghalla::core::exchange::{CsvOptions, ImportMode, participants_table, read_table};
use valghalla::core::model::{Op, Record};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::testkit::FixedClock;
use valghalla::core::testkit::generator::{Dataset, Spec};
use valghalla::sqlite::SqliteStore;

const PEOPLE: usize = 10_000;

fn admin() -> Actor {
    Actor::Secretariat {
        user: "bench".into(),
        role: StaffRole::Administrator,
    }
}

fn fresh(rt: &tokio::runtime::Runtime, ds: &Dataset) -> (Valghalla, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("import.db")).unwrap();
    let mut cs = ds.change_set();
    cs.changes.retain(|c| {
        !matches!(
            c.op,
            Op::Put(Record::Participant(_)) | Op::Put(Record::Seat(_))
        )
    });
    rt.block_on(valghalla::core::store::Store::apply(&store, cs))
        .unwrap();
    let svc = Valghalla::new(Arc::new(store), Arc::new(ds.registry()))
        .with_clock(Arc::new(FixedClock::at(ds.now)));
    (svc, dir)
}

fn import(c: &mut Criterion) {
    let spec = Spec {
        participants: PEOPLE,
        ..Spec::kobenhavn()
    };
    let ds = Dataset::generate(&spec, 9);
    let unique = ds
        .participants
        .iter()
        .map(|p| p.cpr)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let csv = participants_table(
        &ds.participants,
        &ds.teams,
        &ds.special_diets,
        &ds.work_locations,
    )
    .to_csv(CsvOptions::excel_da())
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("10k_participants_csv_into_empty_sqlite", |b| {
        b.iter_batched(
            || fresh(&rt, &ds),
            |(svc, dir)| {
                let table = read_table(&csv).unwrap();
                let report = rt
                    .block_on(svc.import_participants(&admin(), &table, ImportMode::GoodRows))
                    .unwrap();
                assert_eq!(report.imported, unique);
                (svc, dir)
            },
            BatchSize::PerIteration,
        );
    });
    let (svc, _dir) = fresh(&rt, &ds);
    let table = read_table(&csv).unwrap();
    rt.block_on(svc.import_participants(&admin(), &table, ImportMode::GoodRows))
        .unwrap();
    group.bench_function("10k_participants_csv_reimport_unchanged", |b| {
        b.iter(|| {
            let table = read_table(&csv).unwrap();
            let report = rt
                .block_on(svc.import_participants(&admin(), &table, ImportMode::GoodRows))
                .unwrap();
            assert_eq!(report.unchanged, unique);
        });
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
