use super::*;
use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;

fn group(id: u64, capacity: u32) -> SeatGroup {
    SeatGroup { id, capacity }
}

fn person(id: u64) -> PersonDay {
    PersonDay {
        person: id,
        day: 0,
        capacity: 1,
    }
}

fn cand(person: usize, group: usize, cost: i64) -> Candidate {
    Candidate {
        person,
        group,
        cost,
        overflow: false,
    }
}

/// Hungarian oracle on the seat expansion: (max filled, min cost). People have capacity 1.
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
    // Seat columns, then one "stay home" column per person so rows ≤ columns.
    let cols = seats.len() + rows;
    let mut w = Matrix::new(rows, cols, M);
    for c in &inst.candidates {
        for (col, &g) in seats.iter().enumerate() {
            if g == c.group && w[(c.person, col)] > c.cost {
                w[(c.person, col)] = c.cost;
            }
        }
    }
    let (total, _) = kuhn_munkres_min(&w);
    let unfilled = total / M;
    ((rows as i64 - unfilled) as u64, total % M)
}

fn arb_instance() -> impl Strategy<Value = Instance> {
    (1usize..6, 0usize..8).prop_flat_map(|(ng, np)| {
        let groups = prop::collection::vec(0u32..4, ng);
        let cands = prop::collection::vec(
            (0..np.max(1), 0..ng, 0i64..10, any::<bool>()),
            0..(np * ng + 1),
        );
        (groups, Just(np), cands).prop_map(|(caps, np, cands)| Instance {
            groups: caps
                .iter()
                .enumerate()
                .map(|(i, &c)| group(i as u64, c))
                .collect(),
            people: (0..np as u64).map(person).collect(),
            candidates: cands
                .into_iter()
                .filter(|&(p, _, _, _)| p < np)
                .map(|(person, group, cost, overflow)| Candidate {
                    person,
                    group,
                    cost,
                    overflow,
                })
                .collect(),
        })
    })
}

fn check_feasible(inst: &Instance, sol: &Solution) -> Result<(), TestCaseError> {
    let mut per_group = vec![0u32; inst.groups.len()];
    let mut per_person = vec![0u32; inst.people.len()];
    let mut pairs = std::collections::BTreeSet::new();
    for a in &sol.assignments {
        per_group[a.group] += 1;
        per_person[a.person] += 1;
        prop_assert!(
            pairs.insert((a.person, a.group)),
            "one person twice in a group"
        );
        prop_assert!(
            inst.candidates
                .iter()
                .any(|c| c.person == a.person && c.group == a.group && c.cost == a.cost)
        );
    }
    for (g, grp) in inst.groups.iter().enumerate() {
        prop_assert!(per_group[g] <= grp.capacity, "group over capacity");
    }
    for (p, pd) in inst.people.iter().enumerate() {
        prop_assert!(per_person[p] <= pd.capacity, "person over capacity");
    }
    prop_assert_eq!(sol.filled, sol.assignments.len() as u64);
    prop_assert_eq!(
        sol.total_cost,
        sol.assignments.iter().map(|a| a.cost).sum::<i64>()
    );
    prop_assert_eq!(
        sol.overflow_used,
        sol.assignments.iter().filter(|a| a.overflow).count()
    );
    Ok(())
}

/// The instance with the solution's assignments pinned: capacities reduced, used pairs removed.
fn remaining(inst: &Instance, sol: &Solution) -> Instance {
    let mut rest = inst.clone();
    for a in &sol.assignments {
        rest.groups[a.group].capacity -= 1;
        rest.people[a.person].capacity -= 1;
    }
    rest.candidates.retain(|c| {
        !sol.assignments
            .iter()
            .any(|a| a.person == c.person && a.group == c.group)
    });
    rest
}

#[test]
fn prefers_the_cheaper_of_two_full_assignments() {
    let inst = Instance {
        groups: vec![group(1, 1), group(2, 1)],
        people: vec![person(1), person(2)],
        candidates: vec![cand(0, 0, 5), cand(0, 1, 0), cand(1, 0, 0), cand(1, 1, 5)],
    };
    let sol = solve(&inst).unwrap();
    assert_eq!((sol.filled, sol.total_cost), (2, 0));
    assert_eq!(sol.assignments[0].group, 1);
    assert!(sol.shortfalls.is_empty());
}

#[test]
fn fills_more_seats_before_saving_cost() {
    // Person 0 is cheap at group 0 but is the only one who can take group 1.
    let inst = Instance {
        groups: vec![group(1, 1), group(2, 1)],
        people: vec![person(1), person(2)],
        candidates: vec![cand(0, 0, 0), cand(0, 1, 9), cand(1, 0, 8)],
    };
    let sol = solve(&inst).unwrap();
    assert_eq!((sol.filled, sol.total_cost), (2, 17));
}

#[test]
fn explains_eight_seats_with_five_members_all_placed() {
    // Group 0: 8 seats for party X at station Y; 5 eligible members. Two of them are also
    // eligible for (and placed in) group 1, whose only other candidate is absent.
    let mut candidates: Vec<Candidate> = (0..5).map(|p| cand(p, 0, 1)).collect();
    candidates.push(cand(3, 1, 0));
    candidates.push(cand(4, 1, 0));
    let inst = Instance {
        groups: vec![group(100, 8), group(101, 2)],
        people: (0..5).map(person).collect(),
        candidates,
    };
    let sol = solve(&inst).unwrap();
    assert_eq!(sol.filled, 5);
    assert_eq!(sol.shortfalls.len(), 1);
    let s = &sol.shortfalls[0];
    assert_eq!(s.group, 0);
    assert_eq!(s.unfilled, 5);
    assert_eq!(s.eligible, vec![0, 1, 2, 3, 4]);
    assert_eq!(s.direct_candidates, 5);
    assert_eq!(s.deficient_groups, vec![0, 1]);
    assert_eq!((s.demand, s.supply), (10, 5));
    assert_eq!(s.deficiency(), 5);
    assert_eq!(s.direct_placed_elsewhere, 2);
}

#[test]
fn counts_overflow_arcs_used() {
    let inst = Instance {
        groups: vec![group(1, 2)],
        people: vec![person(1), person(2)],
        candidates: vec![
            cand(0, 0, 0),
            Candidate {
                person: 1,
                group: 0,
                cost: 100,
                overflow: true,
            },
        ],
    };
    let sol = solve(&inst).unwrap();
    assert_eq!((sol.filled, sol.overflow_used), (2, 1));
}

#[test]
fn a_person_with_two_slots_takes_at_most_one_seat_per_group_and_duplicates_merge() {
    let inst = Instance {
        groups: vec![group(1, 3), group(2, 1)],
        people: vec![PersonDay {
            person: 1,
            day: 0,
            capacity: 2,
        }],
        candidates: vec![cand(0, 0, 4), cand(0, 0, 1), cand(0, 1, 2)],
    };
    let sol = solve(&inst).unwrap();
    assert_eq!((sol.filled, sol.total_cost), (2, 3));
    assert_eq!(sol.shortfalls[0].supply, 1);
}

#[test]
fn rejects_out_of_range_and_negative_candidates() {
    let base = Instance {
        groups: vec![group(1, 1)],
        people: vec![person(1)],
        candidates: vec![],
    };
    let with = |c: Candidate| Instance {
        candidates: vec![c],
        ..base.clone()
    };
    assert!(matches!(
        solve(&with(cand(1, 0, 0))),
        Err(SolveError::PersonOutOfRange { .. })
    ));
    assert!(matches!(
        solve(&with(cand(0, 1, 0))),
        Err(SolveError::GroupOutOfRange { .. })
    ));
    assert!(matches!(
        solve(&with(cand(0, 0, -1))),
        Err(SolveError::NegativeCost { .. })
    ));
    assert_eq!(solve(&Instance::default()).unwrap(), Solution::default());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn respects_capacities_and_matches_the_hungarian_oracle(inst in arb_instance()) {
        // F1, F2, F6, F7.
        let sol = solve(&inst).unwrap();
        check_feasible(&inst, &sol)?;
        prop_assert_eq!((sol.filled, sol.total_cost), oracle(&inst));
    }

    #[test]
    fn solving_again_after_pinning_the_solution_adds_nothing(inst in arb_instance()) {
        // F5.
        let sol = solve(&inst).unwrap();
        let again = solve(&remaining(&inst, &sol)).unwrap();
        prop_assert!(again.assignments.is_empty());
    }

    #[test]
    fn hall_explanations_are_valid_certificates(inst in arb_instance()) {
        // F8: |N(X)| < demand(X) and the shortfall equals the deficiency.
        let sol = solve(&inst).unwrap();
        let mut filled = vec![0u32; inst.groups.len()];
        for a in &sol.assignments {
            filled[a.group] += 1;
        }
        let mut union = std::collections::BTreeSet::new();
        for s in &sol.shortfalls {
            prop_assert!(s.deficient_groups.contains(&s.group));
            prop_assert_eq!(s.unfilled, inst.groups[s.group].capacity - filled[s.group]);
            let demand: u64 = s.deficient_groups.iter().map(|&g| u64::from(inst.groups[g].capacity)).sum();
            prop_assert_eq!(demand, s.demand);
            prop_assert_eq!(hall_supply(&inst, &s.deficient_groups), s.supply);
            prop_assert!(s.supply < s.demand);
            prop_assert!((s.eligible.len() as u64) < demand);
            let empty_in_x: u64 = s.deficient_groups.iter()
                .map(|&g| u64::from(inst.groups[g].capacity - filled[g])).sum();
            prop_assert_eq!(s.deficiency(), empty_in_x);
            union.extend(s.deficient_groups.iter().copied());
        }
        let union: Vec<usize> = union.into_iter().collect();
        let demand: u64 = union.iter().map(|&g| u64::from(inst.groups[g].capacity)).sum();
        let total_empty: u64 = inst.groups.iter().map(|g| u64::from(g.capacity)).sum::<u64>() - sol.filled;
        prop_assert_eq!(demand - hall_supply(&inst, &union), total_empty);
        let unfilled_groups = (0..inst.groups.len()).filter(|&g| filled[g] < inst.groups[g].capacity).count();
        prop_assert_eq!(sol.shortfalls.len(), unfilled_groups);
    }

    #[test]
    fn same_instance_same_solution(inst in arb_instance()) {
        // F14.
        prop_assert_eq!(solve(&inst).unwrap(), solve(&inst.clone()).unwrap());
    }
}
