//! Auto-fill a generated municipality and print what was filled, what was not, and why.
//!
//! ```text
//! cargo run --release --example autofill -- [--stations N] [--seats N] [--people N] [--seed N]
//!                                           [--overflow] [--show N]
//! ```
//!
//! The defaults are København's size (53 stations, 2,400 seats, 3,000 people). The pure part of
//! the library runs on the generated data; no store is needed.

use std::collections::BTreeMap;
use std::time::Instant;

use valghalla::core::autofill::{FillInput, FillOptions, FillPlan, solve};
use valghalla::core::testkit::generator::{Dataset, Spec};

fn usage() -> ! {
    eprintln!(
        "usage: autofill [--stations N] [--seats N] [--people N] [--seed N] [--overflow] [--show N]"
    );
    std::process::exit(2)
}

fn main() {
    let mut spec = Spec::kobenhavn();
    let mut seed = 2026u64;
    let mut overflow = false;
    let mut show = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut number = || -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match flag.as_str() {
            "--stations" => spec.stations = number() as usize,
            "--seats" => spec.seats = number() as usize,
            "--people" => spec.participants = number() as usize,
            "--seed" => seed = number(),
            "--show" => show = number() as usize,
            "--overflow" => overflow = true,
            _ => usage(),
        }
    }
    if spec.stations == 0 {
        usage();
    }

    let started = Instant::now();
    let data = Dataset::generate(&spec, seed);
    let generated = started.elapsed();
    let (vacant, invited, accepted) = data.status_counts();
    println!(
        "{}: {} stations, {} seats ({vacant} vacant, {invited} invited, {accepted} accepted), {} people",
        spec.name,
        data.work_locations.len(),
        data.seats.len(),
        data.participants.len()
    );

    let options = FillOptions {
        allow_volunteers_in_party_seats: overflow,
        seed,
        ..FillOptions::default()
    };
    let last = BTreeMap::new();
    let input = FillInput {
        election: &data.election,
        election_type: &data.election_type,
        municipality: data.municipality.code,
        work_locations: &data.work_locations,
        task_types: &data.task_types,
        teams: &data.teams,
        seats: &data.seats,
        participants: &data.participants,
        bookings: &[],
        rejections: &[],
        last_stations: &last,
    };
    let t0 = Instant::now();
    let plan = FillPlan::build(input, &options);
    let built = t0.elapsed();
    let t1 = Instant::now();
    let solution = match solve(plan.instance()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("auto-fill failed: {e}");
            std::process::exit(1)
        }
    };
    let solved = t1.elapsed();
    let t2 = Instant::now();
    let proposal = plan.proposal(&solution);
    let read_back = t2.elapsed();

    let names: BTreeMap<_, _> = data
        .participants
        .iter()
        .map(|p| (p.id, p.full_name()))
        .collect();
    let stations: BTreeMap<_, _> = data
        .work_locations
        .iter()
        .map(|l| (l.id, l.title.to_string()))
        .collect();
    let task_types: BTreeMap<_, _> = data
        .task_types
        .iter()
        .map(|t| (t.id, t.title.to_string()))
        .collect();
    let empty: u64 = proposal.unfilled.iter().map(|u| u64::from(u.count)).sum();
    println!(
        "\nfilled {} of {} vacant seats ({} left empty), total cost {}, {} volunteers in party seats",
        proposal.assignments.len(),
        proposal.vacant,
        empty,
        proposal.total_cost,
        proposal.overflow_used
    );
    println!(
        "instance: {} slots, {} person-days, {} candidate arcs",
        plan.instance().groups.len(),
        plan.instance().people.len(),
        plan.instance().candidates.len()
    );
    println!("\nfirst {show} proposed invitations:");
    for a in proposal.assignments.iter().take(show) {
        let terms: Vec<String> = a
            .cost_terms
            .iter()
            .map(|(t, c)| format!("{} ({c})", t.text_da()))
            .collect();
        println!(
            "  {:<28} {:<22} {:<20} {}",
            names.get(&a.participant).cloned().unwrap_or_default(),
            stations
                .get(&a.slot.work_location)
                .cloned()
                .unwrap_or_default(),
            task_types
                .get(&a.slot.task_type)
                .cloned()
                .unwrap_or_default(),
            terms.join(" + ")
        );
    }
    println!("\nmain reasons for empty seats:");
    for (reason, seats) in proposal.main_reasons() {
        println!("  {seats:>5} seats: {reason}");
    }
    println!("\nfirst {show} unfilled slots:");
    for u in proposal.unfilled.iter().take(show) {
        println!("  {}", u.text_da);
    }
    println!(
        "\ntime: generate {:.1} ms, build {:.1} ms, solve {:.1} ms, read back {:.1} ms (auto-fill total {:.1} ms)",
        generated.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
        solved.as_secs_f64() * 1e3,
        read_back.as_secs_f64() * 1e3,
        (built + solved + read_back).as_secs_f64() * 1e3
    );
}
