//! The domain-free auto-fill solver: fill as many vacant seats as possible, then at least total
//! cost, and explain every seat left empty.
//!
//! The model is a transportation problem solved as a min-cost max-flow (the crate's own `flow` module):
//!
//! ```text
//! source ──capacity──▶ person-day ──1, cost──▶ seat group ──vacant seats──▶ sink
//! ```
//!
//! A person-day can take at most `capacity` seats, and at most one seat in any one group. For a
//! group left with empty seats, the residual network gives a Hall-deficiency certificate: a set
//! `X` of groups (containing it) whose seats can only be taken by people who are all used inside
//! `X`, so that `demand(X) − supply(X)` equals the number of seats in `X` left empty and no
//! assignment at all can do better.
//!
//! ```
//! use valghalla_core::autofill::{solve, Candidate, Instance, PersonDay, SeatGroup};
//!
//! let instance = Instance {
//!     groups: vec![SeatGroup { id: 10, capacity: 2 }],
//!     people: vec![PersonDay { person: 1, day: 0, capacity: 1 }],
//!     candidates: vec![Candidate { person: 0, group: 0, cost: 3, overflow: false }],
//! };
//! let solution = solve(&instance).unwrap();
//! assert_eq!(solution.filled, 1);
//! assert_eq!(solution.shortfalls[0].unfilled, 1);
//! assert_eq!(solution.shortfalls[0].eligible, vec![0]);
//! ```

use crate::flow::{FlowError, FlowNetwork};
use serde::{Deserialize, Serialize};

/// A group of interchangeable vacant seats, e.g. (station, task type, team).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeatGroup {
    /// The caller's id for the group.
    pub id: u64,
    /// How many seats are vacant.
    pub capacity: u32,
}

/// A person on one day, and how many seats they can take that day (usually 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonDay {
    /// The caller's id for the person.
    pub person: u64,
    /// The day.
    pub day: u32,
    /// How many seats the person can take that day.
    pub capacity: u32,
}

/// A person-day that may take a seat in a group, at a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Candidate {
    /// Index into [`Instance::people`].
    pub person: usize,
    /// Index into [`Instance::groups`].
    pub group: usize,
    /// Cost of the assignment (preference, distance, overflow penalty); must be `≥ 0`.
    pub cost: i64,
    /// Whether this fills another team's seat (reported in [`Solution::overflow_used`]).
    pub overflow: bool,
}

/// An auto-fill problem. Duplicate (person, group) candidates are merged, keeping the cheapest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// The seat groups.
    pub groups: Vec<SeatGroup>,
    /// The person-days.
    pub people: Vec<PersonDay>,
    /// Who may sit where.
    pub candidates: Vec<Candidate>,
}

/// Why an instance cannot be solved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// A candidate names a person index that does not exist.
    #[error("candidate {candidate} names person {person}, but there are {people} people")]
    PersonOutOfRange {
        /// Index of the candidate.
        candidate: usize,
        /// The person index given.
        person: usize,
        /// How many people there are.
        people: usize,
    },
    /// A candidate names a group index that does not exist.
    #[error("candidate {candidate} names group {group}, but there are {groups} groups")]
    GroupOutOfRange {
        /// Index of the candidate.
        candidate: usize,
        /// The group index given.
        group: usize,
        /// How many groups there are.
        groups: usize,
    },
    /// A candidate has a negative cost.
    #[error("candidate {candidate} has negative cost {cost}")]
    NegativeCost {
        /// Index of the candidate.
        candidate: usize,
        /// The cost given.
        cost: i64,
    },
    /// The flow engine refused the network (e.g. it is too large).
    #[error("flow engine: {0}")]
    Flow(#[from] FlowError),
}

/// One filled seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Assignment {
    /// Index into [`Instance::people`].
    pub person: usize,
    /// Index into [`Instance::groups`].
    pub group: usize,
    /// The candidate's cost.
    pub cost: i64,
    /// Whether the candidate was an overflow arc.
    pub overflow: bool,
}

/// Why a group keeps empty seats: a Hall deficiency certificate.
///
/// `deficient_groups` (X) contains `group`. Only the people in `eligible` (N(X)) can take seats in
/// X, and they can take at most `supply` of them (each person at most `min(capacity, number of
/// groups in X they are eligible for)`), all of which are used. `demand − supply` seats in X stay
/// empty under *any* assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// The group with empty seats.
    pub group: usize,
    /// How many of its seats stay empty.
    pub unfilled: u32,
    /// The deficient set X (ascending group indices, contains `group`).
    pub deficient_groups: Vec<usize>,
    /// Vacant seats in X.
    pub demand: u64,
    /// The people eligible for some group in X (ascending indices).
    pub eligible: Vec<usize>,
    /// The most seats in X those people can take; all are taken.
    pub supply: u64,
    /// People eligible for `group` itself.
    pub direct_candidates: usize,
    /// Of those, how many are placed in another group.
    pub direct_placed_elsewhere: usize,
}

impl Shortfall {
    /// Seats in X that no assignment can fill: `demand − supply`.
    pub fn deficiency(&self) -> u64 {
        self.demand.saturating_sub(self.supply)
    }
}

/// The result of [`solve`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    /// The filled seats, sorted by (person, group).
    pub assignments: Vec<Assignment>,
    /// How many seats were filled (the maximum possible).
    pub filled: u64,
    /// Total cost (the least possible for that many seats).
    pub total_cost: i64,
    /// How many assignments use overflow candidates.
    pub overflow_used: usize,
    /// One explanation per group left with empty seats, by group index.
    pub shortfalls: Vec<Shortfall>,
}

/// Solves the instance: maximum filled seats, then minimum total cost. Deterministic: the same
/// instance gives the same solution.
pub fn solve(instance: &Instance) -> Result<Solution, SolveError> {
    let (np, ng) = (instance.people.len(), instance.groups.len());
    // Validate, and order the candidates by person (stable), merging duplicates.
    let mut per_person = vec![0u32; np + 1];
    for (i, c) in instance.candidates.iter().enumerate() {
        if c.person >= np {
            return Err(SolveError::PersonOutOfRange {
                candidate: i,
                person: c.person,
                people: np,
            });
        }
        if c.group >= ng {
            return Err(SolveError::GroupOutOfRange {
                candidate: i,
                group: c.group,
                groups: ng,
            });
        }
        if c.cost < 0 {
            return Err(SolveError::NegativeCost {
                candidate: i,
                cost: c.cost,
            });
        }
        per_person[c.person + 1] += 1;
    }
    for p in 0..np {
        per_person[p + 1] += per_person[p];
    }
    // Candidates built person by person (as the domain plan does) are already in order.
    let order: Vec<u32> = if instance.candidates.is_sorted_by_key(|c| c.person) {
        (0..instance.candidates.len() as u32).collect()
    } else {
        let mut order = vec![0u32; instance.candidates.len()];
        let mut fill = per_person.clone();
        for (i, c) in instance.candidates.iter().enumerate() {
            order[fill[c.person] as usize] = i as u32;
            fill[c.person] += 1;
        }
        order
    };
    // Per person, keep the cheapest candidate per group (the first among equals).
    let mut seen: Vec<u32> = vec![u32::MAX; ng];
    let mut kept: Vec<u32> = Vec::with_capacity(order.len());
    for p in 0..np {
        let first_kept = kept.len();
        for &ci in &order[per_person[p] as usize..per_person[p + 1] as usize] {
            let c = &instance.candidates[ci as usize];
            let slot = seen[c.group];
            if slot != u32::MAX && slot as usize >= first_kept {
                let old = &mut kept[slot as usize];
                if instance.candidates[*old as usize].cost > c.cost {
                    *old = ci;
                }
            } else {
                seen[c.group] = kept.len() as u32;
                kept.push(ci);
            }
        }
    }

    let (source, sink) = (0, np + ng + 1);
    let person_node = |p: usize| 1 + p;
    let group_node = |g: usize| 1 + np + g;
    let mut net = FlowNetwork::with_capacity(np + ng + 2, np + ng + kept.len());
    for (p, person) in instance.people.iter().enumerate() {
        net.add_arc(source, person_node(p), i64::from(person.capacity), 0)?;
    }
    let first_candidate_arc = net.arc_count();
    for &ci in &kept {
        let c = &instance.candidates[ci as usize];
        net.add_arc(person_node(c.person), group_node(c.group), 1, c.cost)?;
    }
    let first_group_arc = net.arc_count();
    for (g, group) in instance.groups.iter().enumerate() {
        net.add_arc(group_node(g), sink, i64::from(group.capacity), 0)?;
    }
    let solved = net.solve(source, sink)?;

    let mut assignments: Vec<Assignment> = kept
        .iter()
        .enumerate()
        .filter(|&(k, _)| solved.flow(first_candidate_arc + k) > 0)
        .map(|(_, &ci)| {
            let c = &instance.candidates[ci as usize];
            Assignment {
                person: c.person,
                group: c.group,
                cost: c.cost,
                overflow: c.overflow,
            }
        })
        .collect();
    assignments.sort_unstable_by_key(|a| (a.person, a.group));
    let filled = solved.value() as u64;
    let total_cost = solved.cost();
    let overflow_used = assignments.iter().filter(|a| a.overflow).count();

    // Explanations for groups with empty seats.
    let short: Vec<usize> = (0..ng)
        .filter(|&g| solved.flow(first_group_arc + g) < i64::from(instance.groups[g].capacity))
        .collect();
    let mut shortfalls = Vec::with_capacity(short.len());
    if !short.is_empty() {
        shortfalls = explain(
            instance,
            &kept,
            &assignments,
            &solved.reaching(sink, None),
            np,
            &short,
            |g| instance.groups[g].capacity - solved.flow(first_group_arc + g) as u32,
        );
    }
    Ok(Solution {
        assignments,
        filled,
        total_cost,
        overflow_used,
        shortfalls,
    })
}

/// Builds the Hall certificates. `reach` marks the nodes that still reach the sink in the residual
/// network (T). The groups in T, split into components linked by shared candidates, are each a
/// deficient set: every person's candidate groups inside T lie in one component, and for each
/// person the flow into T equals `min(capacity, candidate groups in T)`, so each component's
/// `demand − supply` equals its empty seats.
fn explain(
    instance: &Instance,
    kept: &[u32],
    assignments: &[Assignment],
    reach: &[bool],
    np: usize,
    short: &[usize],
    unfilled: impl Fn(usize) -> u32,
) -> Vec<Shortfall> {
    let ng = instance.groups.len();
    let in_t = |g: usize| reach[1 + np + g];
    // Union-find over groups in T, joined through shared candidates.
    let mut parent: Vec<u32> = (0..ng as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut last_group_of: Vec<u32> = vec![u32::MAX; np];
    for &ci in kept {
        let c = &instance.candidates[ci as usize];
        if !in_t(c.group) {
            continue;
        }
        let prev = last_group_of[c.person];
        if prev != u32::MAX {
            let (a, b) = (find(&mut parent, prev), find(&mut parent, c.group as u32));
            if a != b {
                parent[a.max(b) as usize] = a.min(b);
            }
        }
        last_group_of[c.person] = c.group as u32;
    }
    // Per component: groups, eligible people with their degree into the component.
    let mut comp_of: Vec<u32> = vec![u32::MAX; ng];
    // (groups, (person, 1) per candidate arc into the component)
    type Component = (Vec<usize>, Vec<(usize, u64)>);
    let mut comps: Vec<Component> = Vec::new();
    let mut root_comp: Vec<u32> = vec![u32::MAX; ng];
    for (g, slot) in comp_of.iter_mut().enumerate() {
        if in_t(g) {
            let r = find(&mut parent, g as u32) as usize;
            if root_comp[r] == u32::MAX {
                root_comp[r] = comps.len() as u32;
                comps.push((Vec::new(), Vec::new()));
            }
            *slot = root_comp[r];
            comps[root_comp[r] as usize].0.push(g);
        }
    }
    for &ci in kept {
        let c = &instance.candidates[ci as usize];
        if in_t(c.group) {
            comps[comp_of[c.group] as usize].1.push((c.person, 1));
        }
    }
    let mut placed_groups: Vec<Vec<usize>> = vec![Vec::new(); np];
    for a in assignments {
        placed_groups[a.person].push(a.group);
    }
    let mut direct: Vec<Vec<usize>> = vec![Vec::new(); ng];
    for &ci in kept {
        let c = &instance.candidates[ci as usize];
        if comp_of[c.group] != u32::MAX && unfilled(c.group) > 0 {
            direct[c.group].push(c.person);
        }
    }
    let summaries: Vec<(Vec<usize>, u64, u64)> = comps
        .iter_mut()
        .map(|(groups, people)| {
            people.sort_unstable();
            let mut eligible = Vec::new();
            let mut supply = 0u64;
            for chunk in people.chunk_by(|a, b| a.0 == b.0) {
                let p = chunk[0].0;
                eligible.push(p);
                supply += (chunk.len() as u64).min(u64::from(instance.people[p].capacity));
            }
            let demand = groups
                .iter()
                .map(|&g| u64::from(instance.groups[g].capacity))
                .sum();
            (eligible, demand, supply)
        })
        .collect();
    short
        .iter()
        .map(|&g| {
            let k = comp_of[g] as usize;
            let (eligible, demand, supply) = &summaries[k];
            Shortfall {
                group: g,
                unfilled: unfilled(g),
                deficient_groups: comps[k].0.clone(),
                demand: *demand,
                eligible: eligible.clone(),
                supply: *supply,
                direct_candidates: direct[g].len(),
                direct_placed_elsewhere: direct[g]
                    .iter()
                    .filter(|&&p| placed_groups[p].iter().any(|&h| h != g))
                    .count(),
            }
        })
        .collect()
}

fn hall_supply_kept(instance: &Instance, by_group: &[Vec<usize>], groups: &[usize]) -> u64 {
    let mut degree: std::collections::BTreeMap<usize, u64> = std::collections::BTreeMap::new();
    for &h in groups {
        for &p in &by_group[h] {
            *degree.entry(p).or_default() += 1;
        }
    }
    degree
        .into_iter()
        .map(|(p, d)| d.min(u64::from(instance.people[p].capacity)))
        .sum()
}

/// The most seats in `groups` that any assignment can fill, counted from the instance alone:
/// `Σ_p min(capacity_p, number of distinct groups in the set p is a candidate for)`. Use it to
/// check a [`Shortfall`] independently. Out-of-range indices are ignored.
pub fn hall_supply(instance: &Instance, groups: &[usize]) -> u64 {
    let mut in_set = vec![false; instance.groups.len()];
    for &g in groups {
        if let Some(x) = in_set.get_mut(g) {
            *x = true;
        }
    }
    let mut pairs: Vec<(usize, usize)> = instance
        .candidates
        .iter()
        .filter(|c| {
            in_set.get(c.group).copied().unwrap_or(false) && c.person < instance.people.len()
        })
        .map(|c| (c.person, c.group))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut by_group = vec![Vec::new(); instance.groups.len()];
    for (p, g) in pairs {
        by_group[g].push(p);
    }
    let set: Vec<usize> = (0..instance.groups.len()).filter(|&g| in_set[g]).collect();
    hall_supply_kept(instance, &by_group, &set)
}

#[cfg(test)]
mod tests;
