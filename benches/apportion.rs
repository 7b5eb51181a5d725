//! Apportionment of 1,000 seats among 12 groups, every method. Target: < 100 µs.

#![allow(missing_docs, reason = "a benchmark binary")]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use valghalla::core::apportion::matrix::round_matrix;
use valghalla::core::apportion::{Method, SeededLot, apportion};

fn bench(c: &mut Criterion) {
    let weights: [u64; 12] = [
        412_345, 298_771, 187_002, 160_450, 99_873, 87_120, 63_004, 41_998, 23_456, 12_000, 7_001,
        999,
    ];
    for method in Method::ALL {
        c.bench_function(&format!("apportion_1000_seats_12_groups_{method}"), |b| {
            b.iter(|| apportion(black_box(&weights), 1000, method, &mut SeededLot::new(0)))
        });
    }
    // Station × party matrix (50 × 12), for reference (target < 5 ms).
    let stations: Vec<u64> = (0..50).map(|s| 40 + (s * 7) % 9).collect();
    let total: u64 = stations.iter().sum();
    let mut groups: Vec<u64> = (0..12).map(|p| total * (12 - p) / 78).collect();
    groups[0] += total - groups.iter().sum::<u64>();
    c.bench_function("round_matrix_50_stations_12_groups", |b| {
        b.iter(|| round_matrix(black_box(&stations), black_box(&groups), 1))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
