//! Auto-fill on the domain: the hard invariants (F1–F8, F14) checked independently of the
//! arc filter, the explanations, and the service round trip.

use super::*;
use crate::autofill::solver::solve;
use crate::model::{AcceptedVia, InvitationToken, SeatState};
use crate::rules::booking::conflicts;
use crate::rules::lifecycle::{PersonFacts, SeatFacts, invite};
use crate::rules::{Ctx, eligibility};
use crate::testkit::generator::{Dataset, Spec};
use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;

fn input<'a>(
    d: &'a Dataset,
    last: &'a BTreeMap<ParticipantId, WorkLocationId>,
    rejections: &'a [Rejection],
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
        rejections,
        last_stations: last,
    }
}

fn options(overflow: bool, seed: u64) -> FillOptions {
    FillOptions {
        allow_volunteers_in_party_seats: overflow,
        seed,
        ..FillOptions::default()
    }
}

/// Hungarian oracle on the seat expansion of an instance whose people have capacity 1.
fn oracle(inst: &Instance) -> (u64, i64) {
    const M: i64 = 1_000_000;
    let rows = inst.people.len();
    let seats: Vec<usize> = inst
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, grp)| std::iter::repeat_n(g, grp.capacity as usize))
        .collect();
    if rows == 0 || seats.is_empty() {
        return (0, 0);
    }
    let mut w = Matrix::new(rows, seats.len() + rows, M);
    for c in &inst.candidates {
        for (col, &g) in seats.iter().enumerate() {
            if g == c.group && w[(c.person, col)] > c.cost {
                w[(c.person, col)] = c.cost;
            }
        }
    }
    let (total, _) = kuhn_munkres_min(&w);
    ((rows as i64 - total / M) as u64, total % M)
}

/// Applies a proposal to the dataset's seats, as invitations.
fn applied(d: &Dataset, p: &FillProposal) -> Dataset {
    let mut out = d.clone();
    let by_seat: BTreeMap<SeatId, ParticipantId> = p
        .assignments
        .iter()
        .map(|a| (a.seat, a.participant))
        .collect();
    for s in &mut out.seats {
        if let Some(&participant) = by_seat.get(&s.id) {
            s.state = SeatState::Invited {
                participant,
                token: InvitationToken::generate(),
                invited_at: d.now,
                last_reminder_at: None,
            };
        }
    }
    out
}

/// Every invariant that must hold for any proposal on any dataset.
fn check_invariants(d: &Dataset, opts: &FillOptions, p: &FillProposal) {
    let seat = |id: SeatId| d.seats.iter().find(|s| s.id == id).unwrap();
    let person = |id: ParticipantId| d.participants.iter().find(|p| p.id == id).unwrap();
    let tt = |id| d.task_types.iter().find(|t| t.id == id).unwrap();
    let team = |id| d.teams.iter().find(|t| t.id == id).unwrap();
    let loc = |id| d.work_locations.iter().find(|l| l.id == id).unwrap();
    // F4: only vacant seats, each at most once, in its own slot.
    let mut seen = BTreeSet::new();
    for a in &p.assignments {
        let s = seat(a.seat);
        assert_eq!(s.state, SeatState::Vacant, "pinned seat touched");
        assert_eq!(s.slot, a.slot);
        assert!(seen.insert(a.seat), "seat proposed twice");
    }
    // F1: quotas; team membership (or a counted volunteer overflow on an open party seat).
    let mut overflow = 0;
    for a in &p.assignments {
        let who = person(a.participant);
        let seat_team = team(a.slot.team);
        if who.teams.contains(&a.slot.team) {
            assert!(!a.overflow);
        } else {
            assert!(opts.allow_volunteers_in_party_seats, "quota exceeded");
            assert!(a.overflow);
            assert_eq!(seat_team.kind, TeamKind::Party);
            assert!(
                who.teams
                    .iter()
                    .any(|t| team(*t).kind == TeamKind::Volunteers)
            );
            overflow += 1;
        }
        if tt(a.slot.task_type).trust == Trust::Trusted {
            assert!(who.teams.contains(&a.slot.team));
            assert_ne!(seat_team.kind, TeamKind::Volunteers);
        }
    }
    assert_eq!(overflow, p.overflow_used);
    // F2 + F3: replay the proposal as invitations, checking each independently with the rule
    // engine against every booking so far (existing ones and the ones proposed before it).
    let ctx = Ctx {
        now: d.now,
        actor: crate::model::ActorLabel::Job {
            name: "test".into(),
        },
    };
    let mut bookings: BTreeMap<ParticipantId, Vec<Booking>> = BTreeMap::new();
    for s in &d.seats {
        if let Some(pid) = s.state.participant() {
            bookings
                .entry(pid)
                .or_default()
                .push(Booking::of(s, tt(s.slot.task_type)));
        }
    }
    let mut per_day = BTreeSet::new();
    for (pid, bs) in &bookings {
        for b in bs {
            per_day.insert((*pid, local_date(b.window.start)));
        }
    }
    for a in &p.assignments {
        let s = seat(a.seat);
        let t = tt(s.slot.task_type);
        let who = person(a.participant);
        let mine = bookings.get(&who.id).cloned().unwrap_or_default();
        assert!(
            conflicts(s.id, &t.window.on(s.slot.date), &mine).is_empty(),
            "double booking"
        );
        assert!(per_day.insert((who.id, s.slot.date)), "two tasks in a day");
        let failures = eligibility::check(&EligibilityInput {
            person: &who.person,
            rules: &d.election_type.rules,
            task_checks_rules: t.check_eligibility,
            election_day: d.election.election_day(),
            municipality: d.municipality.code,
            leap_day: LeapDayBirthdays::default(),
        });
        assert!(failures.is_empty(), "ineligible: {failures:?}");
        let facts = SeatFacts {
            seat: s,
            election: &d.election,
            election_type: &d.election_type,
            task_type: t,
            work_location: loc(s.slot.work_location),
            municipality: d.municipality.code,
        };
        let pf = PersonFacts {
            participant: who,
            bookings: &mine,
        };
        assert!(invite(&ctx, &facts, &pf).is_ok(), "invite refused");
        bookings.entry(who.id).or_default().push(Booking::of(s, t));
    }
    // F8: every empty seat is explained, exactly once per slot.
    let empty: u64 = p.unfilled.iter().map(|u| u64::from(u.count)).sum();
    assert_eq!(empty + p.assignments.len() as u64, p.vacant);
    for u in &p.unfilled {
        assert!(u.text_da.contains("ledig"), "{}", u.text_da);
        assert!(u.text_en.contains("vacant"), "{}", u.text_en);
        if let Some(s) = &u.shortfall {
            assert!(s.supply < s.demand);
        }
    }
}

fn small_spec(stations: usize, seats: usize, people: usize, placed: u8) -> Spec {
    Spec {
        stations,
        seats,
        participants: people,
        placed_percent: placed,
        ..Spec::small()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn proposals_keep_every_hard_rule(
        seed in any::<u64>(),
        stations in 1usize..5,
        seats in 5usize..60,
        people in 0usize..50,
        placed in 0u8..60,
        overflow in any::<bool>(),
    ) {
        let d = Dataset::generate(&small_spec(stations, seats, people, placed), seed);
        let last = BTreeMap::new();
        let opts = options(overflow, seed);
        let plan = FillPlan::build(input(&d, &last, &[]), &opts);
        let solution = solve(plan.instance()).unwrap();
        let p = plan.proposal(&solution);
        check_invariants(&d, &opts, &p);
        // F6 + F7: the most seats and the least cost, by the Hungarian oracle.
        let (filled, cost) = oracle(plan.instance());
        prop_assert_eq!(p.assignments.len() as u64, filled);
        prop_assert_eq!(p.total_cost, cost);
        // F14: deterministic.
        prop_assert_eq!(&FillPlan::build(input(&d, &last, &[]), &opts).solve().unwrap(), &p);
        // F5: on its own output, nothing more is proposed.
        let after = applied(&d, &p);
        let again = FillPlan::build(input(&after, &last, &[]), &opts).solve().unwrap();
        prop_assert!(again.assignments.is_empty());
        prop_assert_eq!(again.vacant, p.vacant - p.assignments.len() as u64);
    }
}

#[test]
fn korsbaek_size_keeps_every_hard_rule_with_and_without_overflow() {
    let d = Dataset::generate(&Spec::korsbaek(), 7);
    let last = BTreeMap::new();
    for overflow in [false, true] {
        let opts = options(overflow, 3);
        let p = propose_fill(input(&d, &last, &[]), &opts).unwrap();
        check_invariants(&d, &opts, &p);
        assert!(!p.assignments.is_empty());
        if overflow {
            assert!(p.overflow_used > 0);
        }
    }
}

#[test]
fn overflow_fills_at_least_as_many_seats() {
    let d = Dataset::generate(&Spec::korsbaek(), 11);
    let last = BTreeMap::new();
    let without = propose_fill(input(&d, &last, &[]), &options(false, 0)).unwrap();
    let with = propose_fill(input(&d, &last, &[]), &options(true, 0)).unwrap();
    assert!(with.assignments.len() >= without.assignments.len());
}

/// One slot with 8 vacant seats and exactly 5 eligible, free members of its team.
#[test]
fn explains_a_shortfall_in_words() {
    let mut d = Dataset::generate(&Spec::small(), 5);
    let tf = d.task_types[0].clone(); // Tilforordnet, open
    let team = d.teams[0].clone();
    let loc = d.work_locations[0].clone();
    let slot = SlotKey {
        election: d.election.id,
        work_location: loc.id,
        task_type: tf.id,
        team: team.id,
        date: d.election.election_day(),
    };
    d.seats = (0..8)
        .map(|_| Seat {
            id: SeatId::new(),
            slot,
            state: SeatState::Vacant,
        })
        .collect();
    let other = d.teams[1].id;
    for (i, p) in d.participants.iter_mut().enumerate() {
        p.teams = [if i < 5 { team.id } else { other }].into();
        p.person.municipality = Some(d.municipality.code);
        p.person.deceased = false;
        p.person.birth_date = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap();
    }
    let last = BTreeMap::new();
    let p = propose_fill(input(&d, &last, &[]), &options(false, 0)).unwrap();
    assert_eq!(p.assignments.len(), 5);
    assert_eq!(p.unfilled.len(), 1);
    let u = &p.unfilled[0];
    assert_eq!(u.count, 3);
    assert_eq!(
        u.text_da,
        format!(
            "3 ledige pladser for {} på {} (Tilforordnet, 17.11.2026); kun 5 valgbare personer, og de er alle allerede placeret (5 her, 0 på andre pladser samme dag)",
            team.name, loc.title
        )
    );
    assert!(u.text_en.starts_with("3 vacant seats for"));

    // Make one of the five decline the slot before and another already booked that day.
    let rejection = Rejection {
        id: crate::ids::RejectionId::new(),
        slot,
        seat: d.seats[0].id,
        participant: d.participants[0].id,
        at: d.now,
        kind: crate::model::RejectionKind::Declined,
    };
    let other_slot = SlotKey {
        team: other,
        ..slot
    };
    d.seats.push(Seat {
        id: SeatId::new(),
        slot: SlotKey {
            task_type: d.task_types[1].id,
            ..other_slot
        },
        state: SeatState::Accepted {
            participant: d.participants[1].id,
            accepted_at: d.now,
            via: AcceptedVia::Invitation,
            task_reminder_at: None,
        },
    });
    let rejections = [rejection];
    let p = propose_fill(input(&d, &last, &rejections), &options(false, 0)).unwrap();
    assert_eq!(p.assignments.len(), 3);
    assert!(p.assignments.iter().all(|a| a.participant != d.participants[0].id
        && a.participant != d.participants[1].id));
    assert_eq!(p.unfilled[0].count, 5);

    // Nobody at all: every member is ineligible.
    for p in d.participants.iter_mut().take(5) {
        p.person.municipality = None;
    }
    let p = propose_fill(input(&d, &last, &rejections), &options(false, 0)).unwrap();
    assert!(p.assignments.is_empty());
    assert!(
        p.unfilled[0].text_da.contains("5 medlemmer af")
            && p.unfilled[0].text_da.contains("5 ikke valgbare"),
        "{}",
        p.unfilled[0].text_da
    );
}

#[test]
fn preferences_become_cost_terms() {
    let d = Dataset::generate(&Spec::korsbaek(), 2);
    let last = BTreeMap::new();
    let p = propose_fill(input(&d, &last, &[]), &options(false, 0)).unwrap();
    for a in &p.assignments {
        let who = d
            .participants
            .iter()
            .find(|x| x.id == a.participant)
            .unwrap();
        if who.preferred_work_location == Some(a.slot.work_location) {
            assert_eq!(a.cost_terms, vec![(CostTerm::PreferredStation, 0)]);
        } else {
            assert!(a.cost() > 0);
        }
    }
    // The station from the last election is cheaper than distance.
    let someone = &p.assignments[0];
    let mut last = BTreeMap::new();
    last.insert(someone.participant, someone.slot.work_location);
    let who = d
        .participants
        .iter()
        .find(|x| x.id == someone.participant)
        .unwrap();
    let l = d
        .work_locations
        .iter()
        .position(|w| w.id == someone.slot.work_location)
        .unwrap();
    let i = input(&d, &last, &[]);
    let term = station_term(
        who,
        &i,
        l,
        &CostModel::default(),
        preferred_coordinates(who, &i),
    );
    if who.preferred_work_location != Some(someone.slot.work_location) {
        assert_eq!(term, (CostTerm::LastElection, 1));
    }
}

#[test]
fn the_seed_only_changes_ties() {
    let d = Dataset::generate(&Spec::korsbaek(), 4);
    let last = BTreeMap::new();
    let a = propose_fill(input(&d, &last, &[]), &options(false, 1)).unwrap();
    let b = propose_fill(input(&d, &last, &[]), &options(false, 2)).unwrap();
    assert_eq!(a.assignments.len(), b.assignments.len());
    assert_eq!(a.total_cost, b.total_cost);
}

mod service {
    use super::*;
    use crate::apportion::Method;
    use crate::apportion::staffing::{CouncilGroup, CouncilInput, Roles, StationInput, TieBreak};
    use crate::memory::MemoryStore;
    use crate::rules::access::{Actor, StaffRole};
    use crate::service::Valghalla;
    use crate::store::{DynStore, Query};
    use crate::testkit::FixedClock;
    use std::sync::Arc;

    async fn loaded(spec: &Spec, seed: u64) -> (Valghalla, DynStore, Dataset, Actor) {
        let d = Dataset::generate(spec, seed);
        let store: DynStore = Arc::new(MemoryStore::new());
        store.apply(d.change_set()).await.unwrap();
        let svc = Valghalla::new(Arc::clone(&store), Arc::new(d.registry()))
            .with_clock(Arc::new(FixedClock::at(d.now)));
        let admin = Actor::Secretariat {
            user: "sekretariat".into(),
            role: StaffRole::Administrator,
        };
        (svc, store, d, admin)
    }

    #[tokio::test]
    async fn propose_apply_and_propose_again() {
        let (svc, _, d, admin) = loaded(&Spec::korsbaek(), 9).await;
        let opts = options(false, 0);
        let p = svc
            .propose_fill(&admin, d.election.id, &opts)
            .await
            .unwrap();
        let pure = propose_fill(input(&d, &BTreeMap::new(), &[]), &opts).unwrap();
        assert_eq!(p.assignments.len(), pure.assignments.len());
        assert_eq!(p.total_cost, pure.total_cost);
        let report = svc.apply_fill(&admin, &p).await.unwrap();
        assert_eq!(report.invited.len(), p.assignments.len());
        assert!(report.refused.is_empty());
        let again = svc
            .propose_fill(&admin, d.election.id, &opts)
            .await
            .unwrap();
        assert!(again.assignments.is_empty());
        // Applying the old proposal again refuses everything: the seats are taken.
        let twice = svc.apply_fill(&admin, &p).await.unwrap();
        assert!(twice.invited.is_empty());
        assert_eq!(twice.refused.len(), p.assignments.len());
        // A participant may not propose.
        let someone = svc.person_actor(d.participants[0].id).await.unwrap();
        assert!(
            svc.propose_fill(&someone, d.election.id, &opts)
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn distribution_from_the_council_applies_through_seat_counts() {
        let (svc, store, d, admin) = loaded(&Spec::small(), 3).await;
        let groups: Vec<CouncilGroup> = d
            .teams
            .iter()
            .filter(|t| t.kind == TeamKind::Party)
            .zip([12, 8, 5])
            .map(|(t, m)| CouncilGroup {
                name: t.name.to_string(),
                members: m,
                alliance: None,
                team: t.id,
            })
            .collect();
        let input = CouncilInput {
            groups,
            stations: d
                .work_locations
                .iter()
                .map(|l| StationInput {
                    work_location: l.id,
                    valgstyrere: 7,
                    tilforordnede: 10,
                })
                .collect(),
            roles: Roles {
                formand: d.task_types[2].id,
                valgstyrer: d.task_types[1].id,
                tilforordnet: d.task_types[0].id,
            },
            method: Method::DHondt,
            rotation: 0,
            tie_break: TieBreak::Lot(1),
        };
        let proposal = svc
            .propose_distribution(&admin, d.election.id, &input)
            .await
            .unwrap();
        let day = d.election.election_day();
        let reports = svc
            .apply_distribution(&admin, d.election.id, day, &proposal)
            .await
            .unwrap();
        assert_eq!(reports.len(), 3);
        for c in &proposal.cells {
            let slot = SlotKey {
                election: d.election.id,
                work_location: c.work_location,
                task_type: c.task_type,
                team: c.team,
                date: day,
            };
            let seats: Vec<Seat> = store
                .query(&Query::SeatsOfSlot(slot))
                .await
                .unwrap()
                .into_iter()
                .filter_map(|v| match v.value {
                    crate::model::Record::Seat(s) => Some(s),
                    _ => None,
                })
                .collect();
            let taken = seats
                .iter()
                .filter(|s| s.state.participant().is_some())
                .count() as u32;
            // Exactly the proposal, except that taken seats are never deleted.
            assert_eq!(seats.len() as u32, c.count.max(taken));
        }
        let mut bad = input.clone();
        bad.stations[0].valgstyrere = 11;
        let err = svc
            .propose_distribution(&admin, d.election.id, &bad)
            .await
            .unwrap_err();
        assert!(crate::values::DanishMessage::message_da(&err).contains("mellem 5 og 9"));
    }
}
