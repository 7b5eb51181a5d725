//! Auto-fill on the domain, from the testkit generator. Targets: København (2,400 seats, 3,000
//! people, every station allowed) ≤ 50 ms median; the whole country (`Spec::country()`, 98
//! municipalities) ≤ 0.5 s; apportionment of 1,000 seats < 100 µs.
//!
//! Each auto-fill is measured twice: domain build + solve + read-back, and the solve alone.

#![allow(missing_docs, reason = "a benchmark binary")]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use valghalla::core::apportion::staffing::{
    CouncilGroup, CouncilInput, Roles, StationInput, TieBreak, propose_staffing,
};
use valghalla::core::apportion::{Method, PriorityOrder, apportion};
use valghalla::core::autofill::{FillInput, FillOptions, FillPlan, solve};
use valghalla::core::ids::TeamId;
use valghalla::core::testkit::generator::{Dataset, Spec};

fn input<'a>(
    d: &'a Dataset,
    last: &'a BTreeMap<valghalla::core::ids::ParticipantId, valghalla::core::ids::WorkLocationId>,
) -> FillInput<'a> {
    FillInput {
        election: &d.election,
        election_type: &d.election_type,
        municipality: d.municipality.code,
        work_locations: &d.work_locations,
        task_types: &d.task_types,
        teams: &d.teams,
        seats: &d.seats,
        participants: &d.participants,
        bookings: &[],
        rejections: &[],
        last_stations: last,
    }
}

fn fill(d: &Dataset, options: &FillOptions) -> usize {
    let last = BTreeMap::new();
    FillPlan::build(input(d, &last), options)
        .solve()
        .map(|p| p.assignments.len())
        .unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    let options = FillOptions::default();
    let overflow = FillOptions {
        allow_volunteers_in_party_seats: true,
        ..FillOptions::default()
    };
    let last = BTreeMap::new();

    let kk = Dataset::generate(&Spec::kobenhavn(), 2026);
    for (name, opts) in [("", &options), (" +overflow", &overflow)] {
        let plan = FillPlan::build(input(&kk, &last), opts);
        let i = plan.instance();
        let start = std::time::Instant::now();
        let sol = solve(i).unwrap_or_default();
        eprintln!(
            "KK{name}: {} slots, {} vacant seats, {} person-days, {} arcs; filled {}, cost {}, overflow {}; one solve {:.1} ms",
            i.groups.len(),
            i.groups.iter().map(|g| g.capacity).sum::<u32>(),
            i.people.len(),
            i.candidates.len(),
            sol.filled,
            sol.total_cost,
            sol.overflow_used,
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    c.bench_function("autofill_kk_build_and_solve", |b| {
        b.iter(|| fill(black_box(&kk), &options))
    });
    let plan = FillPlan::build(input(&kk, &last), &options);
    c.bench_function("autofill_kk_solve_only", |b| {
        b.iter(|| solve(black_box(plan.instance())).map(|s| s.filled))
    });
    c.bench_function("autofill_kk_overflow_build_and_solve", |b| {
        b.iter(|| fill(black_box(&kk), &overflow))
    });

    let country: Vec<Dataset> = Spec::country()
        .iter()
        .enumerate()
        .map(|(i, s)| Dataset::generate(s, 2026 + i as u64))
        .collect();
    let seats: usize = country.iter().map(|d| d.seats.len()).sum();
    let people: usize = country.iter().map(|d| d.participants.len()).sum();
    let plans: Vec<FillPlan> = country
        .iter()
        .map(|d| FillPlan::build(input(d, &last), &options))
        .collect();
    let arcs: usize = plans.iter().map(|p| p.instance().candidates.len()).sum();
    eprintln!("DK: 98 municipalities, {seats} seats, {people} people, {arcs} arcs");
    let mut group = c.benchmark_group("autofill_country");
    group.sample_size(10);
    group.bench_function("autofill_country_build_and_solve", |b| {
        b.iter(|| {
            country
                .iter()
                .map(|d| fill(black_box(d), &options))
                .sum::<usize>()
        })
    });
    group.bench_function("autofill_country_solve_only", |b| {
        b.iter(|| {
            plans
                .iter()
                .map(|p| {
                    solve(black_box(p.instance()))
                        .map(|s| s.filled)
                        .unwrap_or(0)
                })
                .sum::<u64>()
        })
    });
    group.finish();

    let weights: Vec<u64> = (1..=12).rev().collect();
    c.bench_function("apportion_1000_seats_dhondt", |b| {
        b.iter(|| {
            apportion(
                black_box(&weights),
                1000,
                Method::DHondt,
                &mut PriorityOrder::default(),
            )
        })
    });
    let staffing = CouncilInput {
        groups: weights
            .iter()
            .enumerate()
            .map(|(i, &w)| CouncilGroup {
                name: format!("G{i}"),
                members: w as u32,
                alliance: None,
                team: TeamId::new(),
            })
            .collect(),
        stations: kk
            .work_locations
            .iter()
            .map(|l| StationInput {
                work_location: l.id,
                valgstyrere: 7,
                tilforordnede: 40,
            })
            .collect(),
        roles: Roles {
            formand: kk.task_types[2].id,
            valgstyrer: kk.task_types[1].id,
            tilforordnet: kk.task_types[0].id,
        },
        method: Method::DHondt,
        rotation: 0,
        tie_break: TieBreak::Lot(1),
    };
    c.bench_function("staffing_kk_53_stations", |b| {
        b.iter(|| propose_staffing(black_box(&staffing)).map(|p| p.cells.len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
