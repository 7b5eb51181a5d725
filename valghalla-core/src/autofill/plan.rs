//! Auto-fill on the domain: from an election's vacant seats and a pool of participants to a
//! solver [`Instance`], and from its [`Solution`] back to proposed invitations and explanations.
//!
//! ## The model
//!
//! - **Seat groups** are the election's slots ([`SlotKey`]) with vacant seats; invited and
//!   accepted seats are pinned (never touched), they only count as bookings of their holders.
//! - **Person-days**: each participant once per date that has vacant seats, with capacity 1
//!   ("one task per person per day"). A person who already holds or is invited to a seat that
//!   starts that (local) day, in any election, gets no person-day for it.
//! - **Candidates** (arcs), all hard rules:
//!   - eligibility: the eligibility rules (`rules::eligibility::check`) with the election type's rules and the task type's
//!     `check_eligibility` (only "alive" when it is off);
//!   - no double booking: no existing booking overlapping the seat's real time window (this
//!     catches windows running past midnight and other elections);
//!   - team quotas: a person fills only seats of teams they are a member of; with
//!     [`FillOptions::allow_volunteers_in_party_seats`], members of a volunteers team may also
//!     fill a party's *open* seats, at [`CostModel::volunteer_penalty`] (counted in
//!     [`FillProposal::overflow_used`]);
//!   - trusted task types only for members of the seat's own team, and never for a volunteers
//!     team (volunteers never fill trusted seats);
//!   - nobody is proposed for a slot they have declined or left before (the rejection history);
//!   - the slot must still fit its election and station (otherwise it is reported, not filled).
//! - **Costs** (small integers, the cheapest applicable): the person's preferred station
//!   [`CostModel::preferred`], the station they had at the last election, a station in their
//!   postal code, nearness to their preferred station in distance buckets, else a base cost.
//!
//! The solver fills as many seats as possible, then at least total cost. The result is
//! deterministic for the same input and [`FillOptions::seed`]: the seed only permutes the order in
//! which people are offered to the solver, which decides between equally good answers.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::solver::{Candidate, Instance, PersonDay, SeatGroup, Shortfall, Solution, SolveError};
use crate::cpr::LeapDayBirthdays;
use crate::ids::{ElectionId, ParticipantId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::{
    Election, ElectionType, Participant, Rejection, Seat, SlotKey, TaskType, Team, TeamKind, Trust,
    WorkLocation,
};
use crate::rules::booking::Booking;
use crate::rules::distribution::check_slot;
use crate::rules::eligibility::{self, EligibilityInput};
use crate::time::{TimeWindow, local_date};
use crate::values::MunicipalityCode;

/// The costs of the preference terms. Lower is better; all must be `≥ 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostModel {
    /// The person's preferred station.
    pub preferred: i64,
    /// The station the person had at the last election.
    pub last_election: i64,
    /// A station in the person's postal code.
    pub same_postal_code: i64,
    /// Nearness to the preferred station: `near + per_bucket · ⌊metres / bucket_metres⌋`, with
    /// at most `max_buckets` buckets.
    pub near: i64,
    /// Cost per distance bucket.
    pub per_bucket: i64,
    /// Width of a distance bucket in metres (at least 1).
    pub bucket_metres: u32,
    /// The most buckets counted.
    pub max_buckets: u32,
    /// No information about the person and the station.
    pub base: i64,
    /// Added when a volunteer fills a party's seat.
    pub volunteer_penalty: i64,
}

impl Default for CostModel {
    fn default() -> Self {
        CostModel {
            preferred: 0,
            last_election: 1,
            same_postal_code: 2,
            near: 3,
            per_bucket: 1,
            bucket_metres: 2_000,
            max_buckets: 6,
            base: 10,
            volunteer_penalty: 100,
        }
    }
}

/// Choices for one auto-fill run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FillOptions {
    /// Let members of a volunteers team fill parties' open (not trusted) seats, at a penalty.
    pub allow_volunteers_in_party_seats: bool,
    /// The cost terms.
    pub costs: CostModel,
    /// Decides between equally good answers; the same seed gives the same proposal.
    pub seed: u64,
    /// Only fill seats on these dates (`None`: every date).
    pub dates: Option<BTreeSet<NaiveDate>>,
    /// The previous election, whose accepted seats give the "station they had last election"
    /// preference (used by the service; the pure input takes the map directly).
    pub previous_election: Option<ElectionId>,
}

/// Everything the auto-fill looks at. Pure data; the service loads it from the store.
#[derive(Debug, Clone, Copy)]
pub struct FillInput<'a> {
    /// The election.
    pub election: &'a Election,
    /// Its type (the eligibility rules).
    pub election_type: &'a ElectionType,
    /// The municipality staffing it.
    pub municipality: MunicipalityCode,
    /// Work locations (at least the election's).
    pub work_locations: &'a [WorkLocation],
    /// Task types.
    pub task_types: &'a [TaskType],
    /// Teams.
    pub teams: &'a [Team],
    /// The election's seats, in any state.
    pub seats: &'a [Seat],
    /// The pool: team members and volunteers.
    pub participants: &'a [Participant],
    /// Bookings in *other* elections (this election's come from `seats`; a booking listed in both
    /// counts once).
    pub bookings: &'a [(ParticipantId, Booking)],
    /// The rejection history (who left or declined which slot).
    pub rejections: &'a [Rejection],
    /// The station each participant had at the last election.
    pub last_stations: &'a BTreeMap<ParticipantId, WorkLocationId>,
}

/// One term of an assignment's cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CostTerm {
    /// The person's preferred station.
    PreferredStation,
    /// The station the person had at the last election.
    LastElection,
    /// A station in the person's postal code.
    SamePostalCode,
    /// Distance from the person's preferred station.
    Distance {
        /// Metres, rounded down to a whole hundred.
        metres: u32,
    },
    /// Nothing known.
    Base,
    /// A volunteer in a party's seat.
    VolunteerInPartySeat,
}

impl CostTerm {
    /// The term in Danish.
    pub fn text_da(&self) -> String {
        match self {
            CostTerm::PreferredStation => "ønsket valgsted".into(),
            CostTerm::LastElection => "samme sted som ved sidste valg".into(),
            CostTerm::SamePostalCode => "valgsted i eget postnummer".into(),
            CostTerm::Distance { metres } => {
                format!("{:.1} km fra ønsket valgsted", f64::from(*metres) / 1000.0)
            }
            CostTerm::Base => "ingen præference".into(),
            CostTerm::VolunteerInPartySeat => "frivillig på et partis plads".into(),
        }
    }

    /// The term in English.
    pub fn text_en(&self) -> String {
        match self {
            CostTerm::PreferredStation => "preferred station".into(),
            CostTerm::LastElection => "same station as last election".into(),
            CostTerm::SamePostalCode => "station in own postal code".into(),
            CostTerm::Distance { metres } => format!(
                "{:.1} km from preferred station",
                f64::from(*metres) / 1000.0
            ),
            CostTerm::Base => "no preference".into(),
            CostTerm::VolunteerInPartySeat => "volunteer in a party's seat".into(),
        }
    }
}

/// One proposed invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedAssignment {
    /// The vacant seat.
    pub seat: SeatId,
    /// Its slot (so applying can check nothing moved).
    pub slot: SlotKey,
    /// Who.
    pub participant: ParticipantId,
    /// Why it costs what it does; the cost is the sum.
    pub cost_terms: Vec<(CostTerm, i64)>,
    /// Whether a volunteer fills a party's seat.
    pub overflow: bool,
}

impl ProposedAssignment {
    /// The assignment's cost.
    pub fn cost(&self) -> i64 {
        self.cost_terms.iter().map(|t| t.1).sum()
    }
}

/// Why a slot keeps empty seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnfilledExplanation {
    /// The slot.
    pub slot: SlotKey,
    /// How many of its vacant seats stay empty.
    pub count: u32,
    /// The reason, in Danish.
    pub text_da: String,
    /// The reason, in English.
    pub text_en: String,
    /// The solver's Hall certificate (`None` for slots that do not fit the election any more).
    pub shortfall: Option<ShortfallSummary>,
}

/// The numbers behind an explanation: in a set of slots competing for the same people, `demand`
/// vacant seats can be taken by only `eligible` people, who can take at most `supply` of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShortfallSummary {
    /// Slots in the deficient set (this one included).
    pub slots: usize,
    /// Vacant seats in them.
    pub demand: u64,
    /// People who could take any of them.
    pub eligible: usize,
    /// The most seats those people can take (all are taken).
    pub supply: u64,
    /// People who could take this slot.
    pub direct_candidates: usize,
    /// Of those, how many were placed on other seats.
    pub direct_placed_elsewhere: usize,
}

/// The auto-fill's proposal, for the secretariat to review and apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillProposal {
    /// The election.
    pub election: ElectionId,
    /// Proposed invitations, by slot, then seat.
    pub assignments: Vec<ProposedAssignment>,
    /// Slots left with empty seats, by slot.
    pub unfilled: Vec<UnfilledExplanation>,
    /// How many assignments put a volunteer in a party's seat.
    pub overflow_used: usize,
    /// Vacant seats considered.
    pub vacant: u64,
    /// The total cost of the assignments.
    pub total_cost: i64,
}

impl FillProposal {
    /// The most common reasons for empty seats: (reason, seats), most seats first.
    pub fn main_reasons(&self) -> Vec<(&'static str, u64)> {
        let mut by: BTreeMap<&'static str, u64> = BTreeMap::new();
        for u in &self.unfilled {
            let key = match &u.shortfall {
                None => "slot no longer fits the election",
                Some(s) if s.direct_candidates == 0 => "no eligible, available person",
                Some(s) if s.slots > 1 => "eligible people needed in competing slots",
                Some(_) => "too few eligible people",
            };
            *by.entry(key).or_default() += u64::from(u.count);
        }
        let mut v: Vec<_> = by.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

type Held = HashMap<ParticipantId, Vec<TimeWindow>>;

struct GroupInfo {
    slot: SlotKey,
    seats: Vec<SeatId>,
    loc: usize,
    tt: usize,
    team: usize,
}

struct PersonInfo {
    participant: usize,
}

/// The solver instance built from the domain, with what is needed to read its solution back.
pub struct FillPlan<'a> {
    input: FillInput<'a>,
    options: FillOptions,
    instance: Instance,
    groups: Vec<GroupInfo>,
    people: Vec<PersonInfo>,
    /// Slots with vacant seats that do not fit the election or refer to unknown records.
    misfits: Vec<(SlotKey, u32)>,
    vacant: u64,
}

fn metres_between(a: (i32, i32), b: (i32, i32)) -> f64 {
    // Micro-degrees to metres; longitude scaled by cos(55.7°), Denmark's latitude.
    let dy = f64::from(a.0 - b.0) * 0.111_32;
    let dx = f64::from(a.1 - b.1) * 0.111_32 * 0.5628;
    (dx * dx + dy * dy).sqrt()
}

impl<'a> FillPlan<'a> {
    /// Builds the instance. Linear in the number of (person, slot of their teams) pairs.
    pub fn build(input: FillInput<'a>, options: &FillOptions) -> FillPlan<'a> {
        let loc_index: HashMap<WorkLocationId, usize> = input
            .work_locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id, i))
            .collect();
        let tt_index: HashMap<TaskTypeId, usize> = input
            .task_types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();
        let team_index: HashMap<TeamId, usize> = input
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id, i))
            .collect();

        // Vacant seats by slot; held seats become bookings.
        let mut vacant_by_slot: BTreeMap<SlotKey, Vec<SeatId>> = BTreeMap::new();
        let mut bookings: HashMap<ParticipantId, Vec<Booking>> = HashMap::new();
        let mut booked_seats: HashSet<SeatId> = HashSet::new();
        for s in input.seats {
            match s.state.participant() {
                None => {
                    if options
                        .dates
                        .as_ref()
                        .is_none_or(|d| d.contains(&s.slot.date))
                    {
                        vacant_by_slot.entry(s.slot).or_default().push(s.id);
                    }
                }
                Some(p) => {
                    if let Some(&t) = tt_index.get(&s.slot.task_type)
                        && booked_seats.insert(s.id)
                    {
                        bookings
                            .entry(p)
                            .or_default()
                            .push(Booking::of(s, &input.task_types[t]));
                    }
                }
            }
        }
        for (p, b) in input.bookings {
            if booked_seats.insert(b.seat) {
                bookings.entry(*p).or_default().push(*b);
            }
        }
        let mut groups = Vec::new();
        let mut misfits = Vec::new();
        let mut vacant = 0u64;
        for (slot, mut seats) in vacant_by_slot {
            seats.sort_unstable();
            let n = u32::try_from(seats.len()).unwrap_or(u32::MAX);
            vacant += u64::from(n);
            let found = (
                loc_index.get(&slot.work_location),
                tt_index.get(&slot.task_type),
                team_index.get(&slot.team),
            );
            match found {
                (Some(&loc), Some(&tt), Some(&team))
                    if slot.election == input.election.id
                        && check_slot(input.election, &input.work_locations[loc], &slot)
                            .is_ok() =>
                {
                    groups.push(GroupInfo {
                        slot,
                        seats,
                        loc,
                        tt,
                        team,
                    })
                }
                _ => misfits.push((slot, n)),
            }
        }
        let windows: Vec<TimeWindow> = groups
            .iter()
            .map(|g| input.task_types[g.tt].window.on(g.slot.date))
            .collect();
        // Groups by (date, team), and the dates.
        let mut by_date_team: BTreeMap<(NaiveDate, usize), Vec<usize>> = BTreeMap::new();
        for (i, g) in groups.iter().enumerate() {
            by_date_team
                .entry((g.slot.date, g.team))
                .or_default()
                .push(i);
        }
        let dates: BTreeSet<NaiveDate> = groups.iter().map(|g| g.slot.date).collect();
        let rejected: HashSet<(ParticipantId, SlotKey)> = input
            .rejections
            .iter()
            .map(|r| (r.participant, r.slot))
            .collect();
        let volunteer_teams: Vec<usize> = input
            .teams
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TeamKind::Volunteers)
            .map(|(i, _)| i)
            .collect();
        let party_teams: Vec<usize> = input
            .teams
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TeamKind::Party)
            .map(|(i, _)| i)
            .collect();

        // The people, in a seeded order.
        let mut order: Vec<usize> = (0..input.participants.len()).collect();
        order.sort_by_key(|&i| input.participants[i].id);
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(options.seed));

        let costs = &options.costs;
        let mut instance = Instance::default();
        let mut people = Vec::new();
        let mut station_cost = vec![0i64; input.work_locations.len()];
        let mut member_teams: Vec<usize> = Vec::new();
        for &pi in &order {
            let p = &input.participants[pi];
            member_teams.clear();
            member_teams.extend(p.teams.iter().filter_map(|t| team_index.get(t).copied()));
            if member_teams.is_empty() {
                continue;
            }
            let is_volunteer = member_teams.iter().any(|t| volunteer_teams.contains(t));
            let overflow_ok = options.allow_volunteers_in_party_seats && is_volunteer;
            let elig = |checks: bool| {
                eligibility::check(&EligibilityInput {
                    person: &p.person,
                    rules: &input.election_type.rules,
                    task_checks_rules: checks,
                    election_day: input.election.election_day(),
                    municipality: input.municipality,
                    leap_day: LeapDayBirthdays::default(),
                })
                .is_empty()
            };
            let (ok_checked, ok_alive) = (elig(true), elig(false));
            if !ok_alive {
                continue;
            }
            let own = bookings.get(&p.id).map_or(&[][..], |b| b.as_slice());
            let pref = preferred_coordinates(p, &input);
            for (l, c) in station_cost.iter_mut().enumerate() {
                *c = station_term(p, &input, l, costs, pref).1;
            }
            for &date in &dates {
                if own.iter().any(|b| local_date(b.window.start) == date) {
                    continue; // one task per person per day
                }
                let person_index = people.len();
                let first_candidate = instance.candidates.len();
                let offer = |g: usize, overflow: bool, inst: &mut Instance| {
                    let info = &groups[g];
                    let tt = &input.task_types[info.tt];
                    if !(if tt.check_eligibility {
                        ok_checked
                    } else {
                        ok_alive
                    }) {
                        return;
                    }
                    if tt.trust == Trust::Trusted
                        && (overflow || input.teams[info.team].kind == TeamKind::Volunteers)
                    {
                        return;
                    }
                    if own.iter().any(|b| b.window.overlaps(&windows[g])) {
                        return;
                    }
                    if !rejected.is_empty() && rejected.contains(&(p.id, info.slot)) {
                        return;
                    }
                    let mut cost = station_cost[info.loc];
                    if overflow {
                        cost += costs.volunteer_penalty;
                    }
                    inst.candidates.push(Candidate {
                        person: person_index,
                        group: g,
                        cost,
                        overflow,
                    });
                };
                for &t in &member_teams {
                    if let Some(gs) = by_date_team.get(&(date, t)) {
                        for &g in gs {
                            offer(g, false, &mut instance);
                        }
                    }
                }
                if overflow_ok {
                    for &t in &party_teams {
                        if member_teams.contains(&t) {
                            continue;
                        }
                        if let Some(gs) = by_date_team.get(&(date, t)) {
                            for &g in gs {
                                offer(g, true, &mut instance);
                            }
                        }
                    }
                }
                if instance.candidates.len() > first_candidate {
                    instance.people.push(PersonDay {
                        person: pi as u64,
                        day: u32::try_from(
                            (date - input.election.election_day()).num_days() + 1000,
                        )
                        .unwrap_or(0),
                        capacity: 1,
                    });
                    people.push(PersonInfo { participant: pi });
                }
            }
        }
        instance.groups = groups
            .iter()
            .enumerate()
            .map(|(i, g)| SeatGroup {
                id: i as u64,
                capacity: u32::try_from(g.seats.len()).unwrap_or(u32::MAX),
            })
            .collect();
        FillPlan {
            input,
            options: options.clone(),
            instance,
            groups,
            people,
            misfits,
            vacant,
        }
    }

    /// The solver instance (groups are slots with vacant seats, people are person-days).
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// Solves the instance and reads the proposal back.
    pub fn solve(&self) -> Result<FillProposal, SolveError> {
        let solution = super::solver::solve(&self.instance)?;
        Ok(self.proposal(&solution))
    }

    /// Reads a solution of [`FillPlan::instance`] back into a proposal.
    pub fn proposal(&self, solution: &Solution) -> FillProposal {
        let input = &self.input;
        // Per group, the people assigned, in participant-id order, take its seats in id order.
        let mut per_group: Vec<Vec<(ParticipantId, usize, bool)>> =
            vec![Vec::new(); self.groups.len()];
        for a in &solution.assignments {
            let (Some(info), Some(_)) = (self.people.get(a.person), self.groups.get(a.group))
            else {
                continue;
            };
            let p = &input.participants[info.participant];
            per_group[a.group].push((p.id, info.participant, a.overflow));
        }
        let mut assignments = Vec::with_capacity(solution.assignments.len());
        for (g, mut who) in per_group.into_iter().enumerate() {
            who.sort_unstable();
            let info = &self.groups[g];
            for ((pid, pi, overflow), &seat) in who.into_iter().zip(&info.seats) {
                let p = &input.participants[pi];
                let pref = preferred_coordinates(p, input);
                let mut cost_terms =
                    vec![station_term(p, input, info.loc, &self.options.costs, pref)];
                if overflow {
                    cost_terms.push((
                        CostTerm::VolunteerInPartySeat,
                        self.options.costs.volunteer_penalty,
                    ));
                }
                assignments.push(ProposedAssignment {
                    seat,
                    slot: info.slot,
                    participant: pid,
                    cost_terms,
                    overflow,
                });
            }
        }
        let held = OnceCell::new();
        let mut unfilled: Vec<UnfilledExplanation> = solution
            .shortfalls
            .iter()
            .filter_map(|s| self.explain(s, &held))
            .collect();
        for &(slot, count) in &self.misfits {
            let (da, en) = self.misfit_text(&slot, count);
            unfilled.push(UnfilledExplanation {
                slot,
                count,
                text_da: da,
                text_en: en,
                shortfall: None,
            });
        }
        unfilled.sort_by_key(|u| u.slot);
        FillProposal {
            election: input.election.id,
            overflow_used: assignments.iter().filter(|a| a.overflow).count(),
            total_cost: assignments.iter().map(ProposedAssignment::cost).sum(),
            assignments,
            unfilled,
            vacant: self.vacant,
        }
    }

    fn names(&self, slot: &SlotKey) -> (String, String, String, String) {
        let i = &self.input;
        let team = i
            .teams
            .iter()
            .find(|t| t.id == slot.team)
            .map_or_else(|| slot.team.to_string(), |t| t.name.to_string());
        let loc = i
            .work_locations
            .iter()
            .find(|l| l.id == slot.work_location)
            .map_or_else(|| slot.work_location.to_string(), |l| l.title.to_string());
        let tt = i
            .task_types
            .iter()
            .find(|t| t.id == slot.task_type)
            .map_or_else(|| slot.task_type.to_string(), |t| t.title.to_string());
        (team, loc, tt, slot.date.format("%d.%m.%Y").to_string())
    }

    fn misfit_text(&self, slot: &SlotKey, count: u32) -> (String, String) {
        let (team, loc, tt, date) = self.names(slot);
        (
            format!(
                "{} for {team} på {loc} ({tt}, {date}) udfyldes ikke: pladsen passer ikke længere til valget eller arbejdsstedet",
                seats_da(count)
            ),
            format!(
                "{} for {team} at {loc} ({tt}, {date}) not filled: the slot no longer fits the election or the work location",
                seats_en(count)
            ),
        )
    }

    fn explain(&self, s: &Shortfall, held: &OnceCell<Held>) -> Option<UnfilledExplanation> {
        let info = self.groups.get(s.group)?;
        let (team, loc, tt, date) = self.names(&info.slot);
        let summary = ShortfallSummary {
            slots: s.deficient_groups.len(),
            demand: s.demand,
            eligible: s.eligible.len(),
            supply: s.supply,
            direct_candidates: s.direct_candidates,
            direct_placed_elsewhere: s.direct_placed_elsewhere,
        };
        let head_da = format!(
            "{} for {team} på {loc} ({tt}, {date})",
            seats_da(s.unfilled)
        );
        let head_en = format!(
            "{} for {team} at {loc} ({tt}, {date})",
            seats_en(s.unfilled)
        );
        let (da, en) = if s.direct_candidates == 0 {
            let why = self.nobody_reasons(info, held.get_or_init(|| self.held_windows()));
            let (it_da, it_en) = if s.unfilled == 1 {
                ("den", "it")
            } else {
                ("dem", "them")
            };
            (
                format!(
                    "{head_da}: ingen valgbare og ledige personer kan tage {it_da} ({})",
                    why.0
                ),
                format!(
                    "{head_en}: no eligible, available person can take {it_en} ({})",
                    why.1
                ),
            )
        } else {
            let filled_here = info.seats.len().saturating_sub(s.unfilled as usize);
            let used = s.direct_placed_elsewhere + filled_here;
            let n = s.direct_candidates;
            let mut da = if used >= n {
                format!(
                    "{head_da}; kun {n} valgbare {}, og {} allerede placeret ({filled_here} her, {} på andre pladser samme dag)",
                    if n == 1 { "person" } else { "personer" },
                    if n == 1 {
                        "vedkommende er"
                    } else {
                        "de er alle"
                    },
                    s.direct_placed_elsewhere
                )
            } else {
                format!(
                    "{head_da}; kun {n} valgbare {}, og {used} af dem er allerede placeret",
                    if n == 1 { "person" } else { "personer" }
                )
            };
            let mut en = if used >= n {
                format!(
                    "{head_en}: only {n} eligible {}, and {} already placed ({filled_here} here, {} in other seats that day)",
                    if n == 1 { "person" } else { "people" },
                    if n == 1 {
                        "they are"
                    } else {
                        "all of them are"
                    },
                    s.direct_placed_elsewhere
                )
            } else {
                format!(
                    "{head_en}: only {n} eligible {}, and {used} of them are already placed",
                    if n == 1 { "person" } else { "people" }
                )
            };
            if s.deficient_groups.len() > 1 {
                da.push_str(&format!(
                    ". De {} personer, der kan tage pladser i de {} pladsgrupper, der konkurrerer om dem, kan højst dække {} af {} ledige pladser",
                    s.eligible.len(),
                    s.deficient_groups.len(),
                    s.supply,
                    s.demand
                ));
                en.push_str(&format!(
                    ". The {} people who can take seats in the {} competing slots can cover at most {} of {} vacant seats",
                    s.eligible.len(),
                    s.deficient_groups.len(),
                    s.supply,
                    s.demand
                ));
            }
            (da, en)
        };
        Some(UnfilledExplanation {
            slot: info.slot,
            count: s.unfilled,
            text_da: da,
            text_en: en,
            shortfall: Some(summary),
        })
    }

    /// Why nobody can take a slot: counts over the team's members.
    /// Every participant's booked windows (this election's held seats and other bookings).
    fn held_windows(&self) -> Held {
        let i = &self.input;
        let mut held: Held = HashMap::new();
        for s in i.seats {
            if let (Some(p), Some(t)) = (
                s.state.participant(),
                i.task_types.iter().find(|t| t.id == s.slot.task_type),
            ) {
                held.entry(p).or_default().push(t.window.on(s.slot.date));
            }
        }
        for (p, b) in i.bookings {
            held.entry(*p).or_default().push(b.window);
        }
        held
    }

    fn nobody_reasons(&self, info: &GroupInfo, held: &Held) -> (String, String) {
        let i = &self.input;
        let team = &i.teams[info.team];
        let tt = &i.task_types[info.tt];
        if tt.trust == Trust::Trusted && team.kind == TeamKind::Volunteers {
            return (
                "betroede opgaver besættes ikke af frivillige".into(),
                "volunteers do not fill trusted tasks".into(),
            );
        }
        let (mut members, mut ineligible, mut busy, mut declined) = (0, 0, 0, 0);
        let window = tt.window.on(info.slot.date);
        for p in i.participants.iter().filter(|p| p.teams.contains(&team.id)) {
            members += 1;
            let failures = eligibility::check(&EligibilityInput {
                person: &p.person,
                rules: &i.election_type.rules,
                task_checks_rules: tt.check_eligibility,
                election_day: i.election.election_day(),
                municipality: i.municipality,
                leap_day: LeapDayBirthdays::default(),
            });
            if !failures.is_empty() {
                ineligible += 1;
            } else if held.get(&p.id).is_some_and(|ws| {
                ws.iter()
                    .any(|w| w.overlaps(&window) || local_date(w.start) == info.slot.date)
            }) {
                busy += 1;
            } else if i
                .rejections
                .iter()
                .any(|r| r.participant == p.id && r.slot == info.slot)
            {
                declined += 1;
            }
        }
        (
            format!(
                "{members} medlemmer af {}: {ineligible} ikke valgbare, {busy} optaget samme dag, {declined} har sagt nej til pladsen",
                team.name
            ),
            format!(
                "{members} members of {}: {ineligible} not eligible, {busy} busy that day, {declined} declined the slot",
                team.name
            ),
        )
    }
}

fn seats_da(n: u32) -> String {
    if n == 1 {
        "1 ledig plads".into()
    } else {
        format!("{n} ledige pladser")
    }
}

fn seats_en(n: u32) -> String {
    if n == 1 {
        "1 vacant seat".into()
    } else {
        format!("{n} vacant seats")
    }
}

fn preferred_coordinates(p: &Participant, input: &FillInput<'_>) -> Option<(i32, i32)> {
    let pref = p.preferred_work_location?;
    input
        .work_locations
        .iter()
        .find(|w| w.id == pref)
        .and_then(|w| w.coordinates)
}

/// The cheapest applicable station term for a person at location `l`; `pref` is the
/// coordinates of their preferred station.
fn station_term(
    p: &Participant,
    input: &FillInput<'_>,
    l: usize,
    c: &CostModel,
    pref: Option<(i32, i32)>,
) -> (CostTerm, i64) {
    let loc = &input.work_locations[l];
    if p.preferred_work_location == Some(loc.id) {
        return (CostTerm::PreferredStation, c.preferred);
    }
    let mut best = (CostTerm::Base, c.base);
    let mut consider = |t: CostTerm, cost: i64| {
        if cost < best.1 {
            best = (t, cost);
        }
    };
    if input.last_stations.get(&p.id) == Some(&loc.id) {
        consider(CostTerm::LastElection, c.last_election);
    }
    if let (Some(home), Some(here)) = (
        p.person.address.as_ref().and_then(|a| a.postal_code),
        loc.address.postal_code,
    ) && home == here
    {
        consider(CostTerm::SamePostalCode, c.same_postal_code);
    }
    if let (Some(a), Some(b)) = (pref, loc.coordinates) {
        let metres = metres_between(a, b);
        let buckets = (metres / f64::from(c.bucket_metres.max(1))) as u32;
        let cost = c.near + c.per_bucket * i64::from(buckets.min(c.max_buckets));
        let rounded = ((metres as u32) / 100) * 100;
        consider(CostTerm::Distance { metres: rounded }, cost);
    }
    best
}

/// Builds, solves and reads back in one go.
pub fn propose_fill(
    input: FillInput<'_>,
    options: &FillOptions,
) -> Result<FillProposal, SolveError> {
    FillPlan::build(input, options).solve()
}

#[cfg(test)]
mod tests;
