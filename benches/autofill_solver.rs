//! Auto-fill solver on synthetic instances. Targets: København (2,400 seats, 3,000 people, every
//! station allowed) ≤ 50 ms median; the whole country as 98 municipal solves ≤ 0.5 s.

#![allow(missing_docs, reason = "a benchmark binary")]

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use valghalla::core::apportion::matrix::round_matrix;
use valghalla::core::apportion::{Method, PriorityOrder, apportion};
use valghalla::core::autofill::{Candidate, Instance, PersonDay, SeatGroup, solve};

const TEAMS: usize = 12;
const TYPES: usize = 4;

/// Team weights (council group sizes), largest first.
fn team_weights() -> Vec<u64> {
    (0..TEAMS as u64).map(|t| 12 - t).collect()
}

/// One municipality: `stations` stations with `per_type` seats of each task type per station
/// (type 0 = valgstyrer, needs a trusted person), seats split among the teams by d'Hondt, and
/// about 1.25 people per seat. Every station is allowed: cost 0 at the person's home station,
/// else 1..10 by grid distance.
fn municipality(seed: u64, stations: usize, per_type: [u32; TYPES]) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weights = team_weights();
    let mut lot = PriorityOrder::default();
    let mut groups = Vec::new();
    let mut index = vec![usize::MAX; stations * TEAMS * TYPES];
    // Municipal team totals per task type by d'Hondt, spread over the stations by matrix rounding.
    let mut cells = Vec::new();
    for (t, &per_station) in per_type.iter().enumerate() {
        let totals = apportion(
            &weights,
            per_station * stations as u32,
            Method::DHondt,
            &mut lot,
        )
        .map(|a| a.seats)
        .unwrap_or_default();
        let totals: Vec<u64> = totals.into_iter().map(u64::from).collect();
        let sizes = vec![u64::from(per_station); stations];
        cells.push(round_matrix(&sizes, &totals, t as u64).unwrap_or_default());
    }
    for s in 0..stations {
        for t in 0..TYPES {
            for team in 0..TEAMS {
                let q = cells[t]
                    .get(s)
                    .and_then(|r| r.get(team))
                    .copied()
                    .unwrap_or(0);
                if q > 0 {
                    index[(s * TEAMS + team) * TYPES + t] = groups.len();
                    groups.push(SeatGroup {
                        id: groups.len() as u64,
                        capacity: q as u32,
                    });
                }
            }
        }
    }
    let seats: u32 = groups.iter().map(|g| g.capacity).sum();
    let n_people = (seats as usize * 5).div_ceil(4);
    let people_per_team = apportion(&weights, n_people as u32, Method::DHondt, &mut lot)
        .map(|a| a.seats)
        .unwrap_or_default();
    let coords: Vec<(i64, i64)> = (0..stations)
        .map(|_| (rng.random_range(0..20), rng.random_range(0..20)))
        .collect();
    let mut people = Vec::with_capacity(n_people);
    let mut candidates = Vec::new();
    for (team, &count) in people_per_team.iter().enumerate() {
        for _ in 0..count {
            let p = people.len();
            people.push(PersonDay {
                person: p as u64,
                day: 0,
                capacity: 1,
            });
            let home = rng.random_range(0..stations);
            let trusted = rng.random_bool(0.25);
            let first = rng.random_range(1..TYPES);
            let second = if rng.random_bool(0.5) {
                rng.random_range(1..TYPES)
            } else {
                first
            };
            for s in 0..stations {
                let (dx, dy) = (coords[s].0 - coords[home].0, coords[s].1 - coords[home].1);
                let cost = if s == home {
                    0
                } else {
                    1 + ((dx.abs() + dy.abs()) / 4).min(9)
                };
                for t in 0..TYPES {
                    let eligible = (t == 0 && trusted) || t == first || t == second;
                    let g = index[(s * TEAMS + team) * TYPES + t];
                    if eligible && g != usize::MAX {
                        candidates.push(Candidate {
                            person: p,
                            group: g,
                            cost,
                            overflow: false,
                        });
                    }
                }
            }
        }
    }
    Instance {
        groups,
        people,
        candidates,
    }
}

fn copenhagen() -> Instance {
    // 50 stations × (8 valgstyrere + 40 tilforordnede) = 2,400 seats.
    municipality(2025, 50, [8, 14, 13, 13])
}

fn country() -> Vec<Instance> {
    let mut rng = ChaCha8Rng::seed_from_u64(98);
    let mut out = vec![copenhagen()];
    // 97 more municipalities sharing 1,334 stations, 32 seats each (7 + 25).
    let mut sizes: Vec<usize> = (0..97).map(|_| rng.random_range(5..=23)).collect();
    let mut total: usize = sizes.iter().sum();
    let mut i = 0;
    while total != 1334 {
        if total < 1334 {
            sizes[i % 97] += 1;
            total += 1;
        } else if sizes[i % 97] > 5 {
            sizes[i % 97] -= 1;
            total -= 1;
        }
        i += 1;
    }
    for (m, &n) in sizes.iter().enumerate() {
        out.push(municipality(1000 + m as u64, n, [7, 9, 8, 8]));
    }
    out
}

fn bench(c: &mut Criterion) {
    let kk = copenhagen();
    let start = std::time::Instant::now();
    let _ = solve(&kk);
    eprintln!(
        "KK diagnostics: full solve {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let sol = solve(&kk).unwrap_or_default();
    eprintln!(
        "KK: {} groups, {} seats, {} people, {} arcs; filled {}, cost {}, {} groups short",
        kk.groups.len(),
        kk.groups.iter().map(|g| g.capacity).sum::<u32>(),
        kk.people.len(),
        kk.candidates.len(),
        sol.filled,
        sol.total_cost,
        sol.shortfalls.len()
    );
    c.bench_function("autofill_copenhagen_all_stations", |b| {
        b.iter(|| solve(black_box(&kk)))
    });

    let dk = country();
    let seats: u32 = dk.iter().flat_map(|i| &i.groups).map(|g| g.capacity).sum();
    let people: usize = dk.iter().map(|i| i.people.len()).sum();
    let arcs: usize = dk.iter().map(|i| i.candidates.len()).sum();
    eprintln!("DK: 98 municipalities, {seats} seats, {people} people, {arcs} arcs");
    let mut group = c.benchmark_group("autofill_country");
    group.sample_size(10);
    group.bench_function("autofill_country_98_municipalities", |b| {
        b.iter(|| {
            dk.iter()
                .map(|i| solve(black_box(i)).map(|s| s.filled).unwrap_or(0))
                .sum::<u64>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
