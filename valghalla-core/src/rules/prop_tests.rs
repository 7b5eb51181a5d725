//! Property tests of the rule engine as a whole: random worlds (one election, or two active ones
//! sharing dates; overnight and overlapping task windows; random eligibility data) and random
//! command sequences, applied to a small pure world.
//!
//! After every step:
//! * no participant holds two seats (invited or accepted, in any election) whose windows overlap;
//! * seats appear, disappear or change slot only through `set_seat_count` / `move_vacant`, and a
//!   taken seat is never deleted;
//! * a refused command changed nothing;
//! * every holder is a member of the seat's team;
//! * the engine agrees with a deliberately simple model of the rules (outcome, seat status and
//!   holder, seat slots, memberships, rejection counts).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use proptest::prelude::*;

use crate::ids::{ParticipantId, RejectionId, SeatId, TeamId};
use crate::model::{
    AuditAction, Election, ElectionKind, ElectionType, EligibilityRule, InvitationToken, Op,
    Participant, Record, RecordKey, Rejection, Seat, SeatState, SeatStatus, SlotKey, TaskType,
    Trust, WorkLocation,
};
use crate::rules::booking::{Booking, overlaps_after_window_change};
use crate::rules::distribution::{move_vacant, set_seat_count};
use crate::rules::lifecycle::{
    Answer, OpenAccess, PersonFacts, Route, SeatFacts, answer_on_behalf, decline,
    delete_participant, invite, occupy, remove, remove_after_revalidation, remove_from_team,
    withdraw,
};
use crate::rules::lifecycle_tests::{Fx, adult, ctx_at, d, election, kolding, t, task_type, utc};
use crate::rules::{Decision, Refused, Violation};
use crate::time::DailyWindow;
use crate::values::{MunicipalityCode, Name};

// ---------------------------------------------------------------------------------------------
// Generated setup
// ---------------------------------------------------------------------------------------------

/// Task windows: the first task type is always the overnight final count; the others overlap it
/// and each other in various ways.
const WINDOWS: [(u32, u32); 5] = [(17, 2), (8, 17), (1, 6), (16, 22), (7, 21)];

/// Candidate task dates: the working period is 9–11 June; 8 and 12 June are outside it.
fn dates() -> [NaiveDate; 5] {
    [
        d(2026, 6, 8),
        d(2026, 6, 9),
        d(2026, 6, 10),
        d(2026, 6, 11),
        d(2026, 6, 12),
    ]
}

/// "Now" for a command (all at 10:00 UTC = 12:00 in Copenhagen).
fn instants() -> [DateTime<Utc>; 6] {
    [
        utc(2026, 6, 1, 10, 0),
        utc(2026, 6, 5, 10, 0),
        utc(2026, 6, 7, 10, 0),
        utc(2026, 6, 9, 10, 0),
        utc(2026, 6, 10, 10, 0),
        utc(2026, 6, 12, 10, 0),
    ]
}

const SIMPLE_RULES: [EligibilityRule; 4] = [
    EligibilityRule::Age18OnElectionDay,
    EligibilityRule::ResidentInMunicipality,
    EligibilityRule::DanishCitizen,
    EligibilityRule::NotUnderGuardianship,
];

#[derive(Debug, Clone)]
struct PersonGen {
    deceased: bool,
    /// 0: born 1980; 1: turns 18 on election day; 2: turns 18 the day after.
    birth: u8,
    resident: bool,
    danish: bool,
    guardianship: bool,
    teams: Vec<bool>,
}

#[derive(Debug, Clone)]
struct TypeGen {
    window: usize,
    trusted: bool,
    checks: bool,
}

#[derive(Debug, Clone)]
struct Setup {
    n_elections: usize,
    single_active: bool,
    lock_days: [u16; 2],
    rules: [[bool; 4]; 2],
    n_locations: usize,
    n_teams: usize,
    types: Vec<TypeGen>,
    /// Per location: teams there, task types there, in election 0 / 1.
    loc_teams: Vec<[bool; 3]>,
    loc_types: Vec<[bool; 3]>,
    loc_in: Vec<[bool; 2]>,
    people: Vec<PersonGen>,
    /// (election, location, type, team, date, count); invalid slots are skipped.
    initial: Vec<(usize, usize, usize, usize, usize, usize)>,
}

fn arb_setup() -> impl Strategy<Value = Setup> {
    let person = (
        prop::bool::weighted(0.1),
        prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.1),
        prop::collection::vec(prop::bool::weighted(0.7), 3),
    )
        .prop_map(
            |(deceased, birth, resident, danish, guardianship, teams)| PersonGen {
                deceased,
                birth,
                resident,
                danish,
                guardianship,
                teams,
            },
        );
    let ty = (
        1usize..WINDOWS.len(),
        any::<bool>(),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(window, trusted, checks)| TypeGen {
            window,
            trusted,
            checks,
        });
    (
        (
            1usize..=2,
            any::<bool>(),
            [0u16..=5, 0u16..=5],
            any::<[[bool; 4]; 2]>(),
        ),
        (1usize..=3, 1usize..=3, prop::collection::vec(ty, 0..=2)),
        prop::collection::vec(
            (
                prop::array::uniform3(prop::bool::weighted(0.8)),
                prop::array::uniform3(prop::bool::weighted(0.8)),
                prop::array::uniform2(prop::bool::weighted(0.85)),
            ),
            3,
        ),
        prop::collection::vec(person, 2..=6),
        prop::collection::vec(
            (
                0usize..2,
                0usize..3,
                0usize..3,
                0usize..3,
                1usize..4,
                0usize..3,
            ),
            1..10,
        ),
    )
        .prop_map(
            |(
                (n_elections, single_active, lock_days, rules),
                (n_locations, n_teams, mut more_types),
                locs,
                people,
                initial,
            )| {
                let mut types = vec![TypeGen {
                    window: 0,
                    trusted: false,
                    checks: true,
                }];
                types.append(&mut more_types);
                Setup {
                    n_elections,
                    single_active,
                    lock_days,
                    rules,
                    n_locations,
                    n_teams,
                    types,
                    loc_teams: locs.iter().map(|l| l.0).collect(),
                    loc_types: locs.iter().map(|l| l.1).collect(),
                    loc_in: locs.iter().map(|l| l.2).collect(),
                    people,
                    initial,
                }
            },
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Right,
    Wrong,
    Absent,
}

#[derive(Debug, Clone)]
enum Cmd {
    Invite {
        seat: usize,
        p: usize,
    },
    Accept {
        seat: usize,
        p: usize,
        tok: Tok,
    },
    TakeVacant {
        seat: usize,
        p: usize,
        access: u8,
    },
    PlaceMember {
        seat: usize,
        p: usize,
    },
    OnBehalf {
        seat: usize,
        p: usize,
        accept: bool,
    },
    Decline {
        seat: usize,
        p: usize,
        tok: Tok,
    },
    Withdraw {
        seat: usize,
        p: usize,
    },
    Remove {
        seat: usize,
    },
    Revalidate {
        seat: usize,
    },
    DeleteParticipant {
        p: usize,
    },
    RemoveFromTeam {
        p: usize,
        team: usize,
    },
    SetSeatCount {
        slot: [usize; 5],
        desired: u32,
    },
    MoveVacant {
        seat: usize,
        to_team: usize,
        count: u32,
    },
    /// A master-data edit: task type `tt` gets window `window` (an index into [`WINDOWS`]).
    EditWindow {
        tt: usize,
        window: usize,
    },
}

fn arb_tok() -> impl Strategy<Value = Tok> {
    prop_oneof![3 => Just(Tok::Right), 1 => Just(Tok::Wrong), 2 => Just(Tok::Absent)]
}

fn arb_cmd() -> impl Strategy<Value = (Cmd, usize)> {
    let i = || 0usize..64;
    let cmd = prop_oneof![
        6 => (i(), i()).prop_map(|(seat, p)| Cmd::Invite { seat, p }),
        5 => (i(), i(), arb_tok()).prop_map(|(seat, p, tok)| Cmd::Accept { seat, p, tok }),
        4 => (i(), i(), 0u8..3).prop_map(|(seat, p, access)| Cmd::TakeVacant { seat, p, access }),
        2 => (i(), i()).prop_map(|(seat, p)| Cmd::PlaceMember { seat, p }),
        2 => (i(), i(), any::<bool>()).prop_map(|(seat, p, accept)| Cmd::OnBehalf { seat, p, accept }),
        2 => (i(), i(), arb_tok()).prop_map(|(seat, p, tok)| Cmd::Decline { seat, p, tok }),
        2 => (i(), i()).prop_map(|(seat, p)| Cmd::Withdraw { seat, p }),
        1 => i().prop_map(|seat| Cmd::Remove { seat }),
        1 => i().prop_map(|seat| Cmd::Revalidate { seat }),
        1 => i().prop_map(|p| Cmd::DeleteParticipant { p }),
        1 => (i(), i()).prop_map(|(p, team)| Cmd::RemoveFromTeam { p, team }),
        3 => ([i(), i(), i(), i(), 0usize..5], 0u32..5)
            .prop_map(|(slot, desired)| Cmd::SetSeatCount { slot, desired }),
        2 => (i(), i(), 0u32..3).prop_map(|(seat, to_team, count)| Cmd::MoveVacant { seat, to_team, count }),
        2 => (i(), 0usize..WINDOWS.len()).prop_map(|(tt, window)| Cmd::EditWindow { tt, window }),
    ];
    (cmd, 0usize..6)
}

// ---------------------------------------------------------------------------------------------
// The engine's world
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct World {
    etypes: Vec<ElectionType>,
    elections: Vec<Election>,
    locations: Vec<WorkLocation>,
    types: Vec<TaskType>,
    teams: Vec<TeamId>,
    pids: Vec<ParticipantId>,
    seats: BTreeMap<SeatId, Seat>,
    participants: BTreeMap<ParticipantId, Participant>,
    rejections: BTreeMap<RejectionId, Rejection>,
}

impl World {
    fn build(s: &Setup) -> World {
        let fx = Fx::new();
        let teams: Vec<TeamId> = (0..s.n_teams).map(|_| TeamId::new()).collect();
        let types: Vec<TaskType> = s
            .types
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let (a, b) = WINDOWS[g.window];
                let mut tt = task_type(
                    &format!("Type {i}"),
                    t(a, 0),
                    t(b, 0),
                    if g.trusted {
                        Trust::Trusted
                    } else {
                        Trust::Open
                    },
                );
                tt.check_eligibility = g.checks;
                tt
            })
            .collect();
        let locations: Vec<WorkLocation> = (0..s.n_locations)
            .map(|l| {
                let mut loc = fx.location.clone();
                loc.id = crate::ids::WorkLocationId::new();
                loc.teams = (0..s.n_teams)
                    .filter(|&k| s.loc_teams[l][k])
                    .map(|k| teams[k])
                    .collect();
                loc.task_types = (0..types.len())
                    .filter(|&k| s.loc_types[l].get(k).copied().unwrap_or(true))
                    .map(|k| types[k].id)
                    .collect();
                loc
            })
            .collect();
        let etypes: Vec<ElectionType> = (0..s.n_elections)
            .map(|e| {
                let mut et = ElectionType::with_default_rules(
                    Name::parse("Valg").unwrap(),
                    ElectionKind::Custom,
                );
                et.rules = (0..4)
                    .filter(|&r| s.rules[e][r])
                    .map(|r| SIMPLE_RULES[r])
                    .collect();
                et
            })
            .collect();
        let elections: Vec<Election> = (0..s.n_elections)
            .map(|e| {
                let mut el = election(
                    &etypes[e],
                    (0..s.n_locations)
                        .filter(|&l| s.loc_in[l][e])
                        .map(|l| locations[l].id),
                );
                el.lock_period_days = s.lock_days[e];
                el.active = s.n_elections == 2 || s.single_active;
                el
            })
            .collect();
        let mut participants = BTreeMap::new();
        let mut pids = Vec::new();
        for (i, g) in s.people.iter().enumerate() {
            let mut p = adult(
                &format!("1507801{i:03}"),
                (0..s.n_teams).filter(|&k| g.teams[k]).map(|k| teams[k]),
            );
            p.person.deceased = g.deceased;
            p.person.birth_date = match g.birth {
                0 => d(1980, 1, 1),
                1 => d(2008, 6, 10),
                _ => d(2008, 6, 11),
            };
            if !g.resident {
                p.person.municipality = MunicipalityCode::parse("0101").ok();
            }
            if !g.danish {
                p.person.citizenship = crate::model::CountryCode::parse("SE");
            }
            p.person.under_guardianship = g.guardianship;
            pids.push(p.id);
            participants.insert(p.id, p);
        }
        let mut w = World {
            etypes,
            elections,
            locations,
            types,
            teams,
            pids,
            seats: BTreeMap::new(),
            participants,
            rejections: BTreeMap::new(),
        };
        for &(e, l, tt, team, date, n) in &s.initial {
            let slot = [e, l, tt, team, date];
            if let Some(key) = w.slot_key(slot)
                && simple_slot_ok(s, slot)
            {
                for _ in 0..n {
                    let seat = Seat::vacant(key);
                    w.seats.insert(seat.id, seat);
                }
            }
        }
        w
    }

    /// The slot for indices, wrapping them into range.
    fn slot_key(&self, [e, l, tt, team, date]: [usize; 5]) -> Option<SlotKey> {
        Some(SlotKey {
            election: self.elections.get(e)?.id,
            work_location: self.locations.get(l)?.id,
            task_type: self.types.get(tt)?.id,
            team: *self.teams.get(team)?,
            date: dates()[date],
        })
    }

    fn slot_index(&self, k: &SlotKey) -> [usize; 5] {
        let pos = |v: Vec<bool>| v.iter().position(|x| *x).unwrap();
        [
            pos(self.elections.iter().map(|x| x.id == k.election).collect()),
            pos(self
                .locations
                .iter()
                .map(|x| x.id == k.work_location)
                .collect()),
            pos(self.types.iter().map(|x| x.id == k.task_type).collect()),
            pos(self.teams.iter().map(|x| *x == k.team).collect()),
            pos(dates().iter().map(|x| *x == k.date).collect()),
        ]
    }

    fn seat_at(&self, i: usize) -> Option<Seat> {
        if self.seats.is_empty() {
            return None;
        }
        self.seats.values().nth(i % self.seats.len()).cloned()
    }

    fn task_type(&self, seat: &Seat) -> &TaskType {
        self.types
            .iter()
            .find(|x| x.id == seat.slot.task_type)
            .unwrap()
    }

    fn bookings(&self, p: ParticipantId) -> Vec<Booking> {
        self.seats
            .values()
            .filter(|s| s.state.participant() == Some(p))
            .map(|s| Booking::of(s, self.task_type(s)))
            .collect()
    }

    fn facts<'a>(&'a self, seat: &'a Seat) -> SeatFacts<'a> {
        let e = self
            .elections
            .iter()
            .position(|x| x.id == seat.slot.election)
            .unwrap();
        SeatFacts {
            seat,
            election: &self.elections[e],
            election_type: &self.etypes[e],
            task_type: self.task_type(seat),
            work_location: self
                .locations
                .iter()
                .find(|x| x.id == seat.slot.work_location)
                .unwrap(),
            municipality: kolding(),
        }
    }

    fn apply(&mut self, d: &Decision) {
        for op in &d.ops {
            match op {
                Op::Put(Record::Seat(s)) => {
                    self.seats.insert(s.id, s.clone());
                }
                Op::Put(Record::Participant(p)) => {
                    self.participants.insert(p.id, p.clone());
                }
                Op::Put(Record::Rejection(r)) => {
                    self.rejections.insert(r.id, r.clone());
                }
                Op::Delete(RecordKey::Seat(id)) => {
                    self.seats.remove(id);
                }
                Op::Delete(RecordKey::Participant(id)) => {
                    self.participants.remove(id);
                }
                Op::Delete(RecordKey::Rejection(id)) => {
                    self.rejections.remove(id);
                }
                Op::Touch(RecordKey::Participant(id)) => {
                    assert!(self.participants.contains_key(id), "touched a ghost");
                }
                Op::Put(Record::TaskType(tt)) => {
                    let known = self.types.iter_mut().find(|x| x.id == tt.id);
                    *known.expect("an edit of a known task type") = tt.clone();
                }
                other => panic!("unexpected op {other:?}"),
            }
        }
    }

    /// Runs one command. `None`: the command does not apply (a deleted participant, no seat).
    fn run(&self, cmd: &Cmd, now: DateTime<Utc>) -> Option<Result<Decision, Refused>> {
        let ctx = ctx_at(now);
        let person_of = |i: usize| self.participants.get(&self.pids[i % self.pids.len()]);
        let with_person =
            |seat: usize,
             p: usize,
             f: &dyn Fn(&SeatFacts<'_>, &PersonFacts<'_>) -> Result<Decision, Refused>|
             -> Option<Result<Decision, Refused>> {
                let seat = self.seat_at(seat)?;
                let p = person_of(p)?;
                let bookings = self.bookings(p.id);
                let person = PersonFacts {
                    participant: p,
                    bookings: &bookings,
                };
                Some(f(&self.facts(&seat), &person))
            };
        let token = |tok: Tok, seat: &Seat| match (tok, &seat.state) {
            (Tok::Right, SeatState::Invited { token, .. }) => Some(token.clone()),
            (Tok::Absent, _) => None,
            _ => Some(InvitationToken::generate()),
        };
        match *cmd {
            Cmd::Invite { seat, p } => with_person(seat, p, &|s, q| invite(&ctx, s, q)),
            Cmd::Accept { seat, p, tok } => with_person(seat, p, &|s, q| {
                occupy(
                    &ctx,
                    s,
                    q,
                    Route::Invitation {
                        token: token(tok, s.seat).as_ref(),
                    },
                )
            }),
            Cmd::TakeVacant { seat, p, access } => with_person(seat, p, &|s, q| {
                let access = match access {
                    0 => OpenAccess::Vacancies {
                        include_trusted: false,
                    },
                    1 => OpenAccess::Vacancies {
                        include_trusted: true,
                    },
                    _ => OpenAccess::SeatLink,
                };
                occupy(&ctx, s, q, Route::SignUp(access))
            }),
            Cmd::PlaceMember { seat, p } => {
                with_person(seat, p, &|s, q| occupy(&ctx, s, q, Route::Placement))
            }
            Cmd::OnBehalf { seat, p, accept } => with_person(seat, p, &|s, q| {
                let answer = if accept {
                    Answer::Accept
                } else {
                    Answer::Decline
                };
                answer_on_behalf(&ctx, s, q, answer)
            }),
            Cmd::Decline { seat, p, tok } => with_person(seat, p, &|s, q| {
                decline(&ctx, s, q, token(tok, s.seat).as_ref())
            }),
            Cmd::Withdraw { seat, p } => with_person(seat, p, &|s, q| withdraw(&ctx, s, q)),
            Cmd::Remove { seat } => Some(remove(&ctx, &self.seat_at(seat)?)),
            Cmd::Revalidate { seat } => Some(remove_after_revalidation(&ctx, &self.seat_at(seat)?)),
            Cmd::DeleteParticipant { p } => {
                let p = person_of(p)?;
                let (seats, rejections) = self.holdings(p.id);
                Some(Ok(delete_participant(&ctx, p, &seats, &rejections)))
            }
            Cmd::RemoveFromTeam { p, team } => {
                let p = person_of(p)?;
                let (seats, rejections) = self.holdings(p.id);
                let team = self.teams[team % self.teams.len()];
                Some(remove_from_team(&ctx, team, p, &seats, &rejections))
            }
            Cmd::SetSeatCount { slot, desired } => {
                let slot = self.wrap(slot);
                let key = self.slot_key(slot)?;
                let current: Vec<Seat> = self
                    .seats
                    .values()
                    .filter(|s| s.slot == key)
                    .cloned()
                    .collect();
                Some(
                    set_seat_count(
                        &ctx,
                        &self.elections[slot[0]],
                        &self.locations[slot[1]],
                        key,
                        &current,
                        desired,
                    )
                    .map(|(d, _)| d),
                )
            }
            Cmd::MoveVacant {
                seat,
                to_team,
                count,
            } => {
                let from = self.seat_at(seat)?.slot;
                let of_slot: Vec<Seat> = self
                    .seats
                    .values()
                    .filter(|s| s.slot == from)
                    .cloned()
                    .collect();
                let f = self.facts(&of_slot[0]);
                Some(
                    move_vacant(
                        &ctx,
                        f.election,
                        f.work_location,
                        &of_slot,
                        self.teams[to_team % self.teams.len()],
                        count,
                    )
                    .map(|(d, _)| d),
                )
            }
            Cmd::EditWindow { tt, window } => {
                let mut edited = self.types[tt % self.types.len()].clone();
                let (a, b) = WINDOWS[window];
                edited.window = DailyWindow::new(t(a, 0), t(b, 0));
                let held: Vec<(&Seat, &TaskType)> = self
                    .seats
                    .values()
                    .filter(|s| s.state.participant().is_some())
                    .map(|s| (s, self.task_type(s)))
                    .collect();
                let overlaps = overlaps_after_window_change(edited.id, edited.window, &held);
                Some(match overlaps.first() {
                    Some(o) => Err(Refused::one(Violation::DoubleBooked {
                        seat: o.seats[1],
                        election: self.seats[&o.seats[1]].slot.election,
                        window: edited.window.on(self.seats[&o.seats[0]].slot.date),
                    })),
                    None => Ok(Decision {
                        audit: vec![ctx.audit(
                            AuditAction::Edit,
                            RecordKey::TaskType(edited.id),
                            None,
                            None,
                            crate::model::AuditEvent::Edited(crate::model::RecordKind::TaskType),
                        )],
                        ops: vec![Op::Put(Record::TaskType(edited))],
                        messages: vec![],
                    }),
                })
            }
        }
    }

    fn wrap(&self, [e, l, tt, team, date]: [usize; 5]) -> [usize; 5] {
        [
            e % self.elections.len(),
            l % self.locations.len(),
            tt % self.types.len(),
            team % self.teams.len(),
            date,
        ]
    }

    fn holdings(&self, p: ParticipantId) -> (Vec<Seat>, Vec<Rejection>) {
        (
            self.seats
                .values()
                .filter(|s| s.state.participant() == Some(p))
                .cloned()
                .collect(),
            self.rejections
                .values()
                .filter(|r| r.participant == p)
                .cloned()
                .collect(),
        )
    }

    fn observe(&self) -> Observed {
        Observed {
            seats: self
                .seats
                .values()
                .map(|s| {
                    let holder = s.state.participant().map(|p| {
                        (
                            self.pids.iter().position(|x| *x == p).unwrap(),
                            s.state.status(),
                        )
                    });
                    (s.id, (self.slot_index(&s.slot), holder))
                })
                .collect(),
            people: self
                .pids
                .iter()
                .map(|id| {
                    self.participants.get(id).map(|p| {
                        let teams = p
                            .teams
                            .iter()
                            .map(|t| self.teams.iter().position(|x| x == t).unwrap())
                            .collect();
                        let rejections = self
                            .rejections
                            .values()
                            .filter(|r| r.participant == *id)
                            .count();
                        (teams, rejections)
                    })
                })
                .collect(),
        }
    }
}

type Holder = Option<(usize, SeatStatus)>;

/// What both the engine and the model can see.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observed {
    /// Seat → (slot as indices, holder and status).
    seats: BTreeMap<SeatId, ([usize; 5], Holder)>,
    /// Per participant: deleted, or (teams, number of rejections).
    people: Vec<Option<(BTreeSet<usize>, usize)>>,
}

// ---------------------------------------------------------------------------------------------
// The model: the rules re-stated as plainly as possible over indices
// ---------------------------------------------------------------------------------------------

fn simple_slot_ok(s: &Setup, [e, l, tt, team, date]: [usize; 5]) -> bool {
    (1..=3).contains(&date) && s.loc_in[l][e] && s.loc_teams[l][team] && s.loc_types[l][tt]
}

fn simple_eligible(s: &Setup, p: usize, e: usize, tt: usize) -> bool {
    let g = &s.people[p];
    if g.deceased {
        return false;
    }
    if !s.types[tt].checks {
        return true;
    }
    let r = s.rules[e];
    !(r[0] && g.birth == 2 || r[1] && !g.resident || r[2] && !g.danish || r[3] && g.guardianship)
}

fn simple_window(window: usize, date: usize) -> (NaiveDateTime, NaiveDateTime) {
    let (a, b) = WINDOWS[window];
    let day = dates()[date];
    let start = day.and_time(NaiveTime::MIN) + Duration::hours(i64::from(a));
    let end_day = if b <= a { day + Duration::days(1) } else { day };
    (
        start,
        end_day.and_time(NaiveTime::MIN) + Duration::hours(i64::from(b)),
    )
}

struct Model<'s> {
    s: &'s Setup,
    /// Each task type's window (an index into [`WINDOWS`]); master-data edits change them.
    windows: Vec<usize>,
    active: Vec<bool>,
    seats: BTreeMap<SeatId, ([usize; 5], Holder)>,
    people: Vec<Option<(BTreeSet<usize>, usize)>>,
}

impl<'s> Model<'s> {
    fn new(s: &'s Setup, start: &Observed) -> Self {
        Model {
            s,
            windows: s.types.iter().map(|t| t.window).collect(),
            active: (0..s.n_elections)
                .map(|_| s.n_elections == 2 || s.single_active)
                .collect(),
            seats: start.seats.clone(),
            people: start.people.clone(),
        }
    }

    fn observe(&self) -> Observed {
        Observed {
            seats: self.seats.clone(),
            people: self.people.clone(),
        }
    }

    fn overlaps(&self, p: usize, except: SeatId, slot: [usize; 5]) -> bool {
        let (s1, e1) = simple_window(self.windows[slot[2]], slot[4]);
        self.seats.iter().any(|(id, (sl, h))| {
            let (s2, e2) = simple_window(self.windows[sl[2]], sl[4]);
            *id != except && h.is_some_and(|(q, _)| q == p) && s1 < e2 && s2 < e1
        })
    }

    fn can_place(&self, p: usize, id: SeatId, slot: [usize; 5]) -> bool {
        simple_slot_ok(self.s, slot)
            && simple_eligible(self.s, p, slot[0], slot[2])
            && !self.overlaps(p, id, slot)
    }

    fn member(&self, p: usize, team: usize) -> bool {
        self.people[p]
            .as_ref()
            .is_some_and(|(t, _)| t.contains(&team))
    }

    fn set(&mut self, id: SeatId, h: Holder) {
        if let Some(seat) = self.seats.get_mut(&id) {
            seat.1 = h;
        }
    }

    fn reject(&mut self, p: usize) {
        if let Some((_, n)) = self.people[p].as_mut() {
            *n += 1;
        }
    }

    /// Runs a command: `true` if it is allowed (and then applies it). `new_seats` are the ids the
    /// engine gave seats it created (ids are names, not behaviour).
    #[allow(
        clippy::too_many_lines,
        reason = "one arm per command of the model, side by side"
    )]
    fn run(&mut self, cmd: &Cmd, now: usize, w: &World, new_seats: &[SeatId]) -> bool {
        use SeatStatus::{Accepted, Invited};
        let today = instants()[now].date_naive();
        let n_people = self.s.people.len();
        let seat_ids: Vec<SeatId> = self.seats.keys().copied().collect();
        let pick = |i: usize| (!seat_ids.is_empty()).then(|| seat_ids[i % seat_ids.len()]);
        let get = |m: &Self, i: usize| {
            let id = pick(i).unwrap();
            (id, m.seats[&id].0, m.seats[&id].1)
        };
        let date_of = |slot: [usize; 5]| dates()[slot[4]];
        let setup = self.s;
        let trusted_ok = |slot: [usize; 5], access: u8| !setup.types[slot[2]].trusted || access > 0;
        match *cmd {
            Cmd::Invite { seat, p } => {
                let p = p % n_people;
                let (id, slot, h) = get(self, seat);
                let ok = h.is_none() && self.can_place(p, id, slot);
                if ok {
                    self.set(id, Some((p, Invited)));
                    if let Some((t, _)) = self.people[p].as_mut() {
                        t.insert(slot[3]);
                    }
                }
                ok
            }
            Cmd::Accept { seat, p, tok } => {
                let p = p % n_people;
                let (id, slot, h) = get(self, seat);
                let ok = self.active[slot[0]]
                    && h == Some((p, Invited))
                    && tok != Tok::Wrong
                    && date_of(slot) >= today
                    && self.can_place(p, id, slot);
                if ok {
                    self.set(id, Some((p, Accepted)));
                }
                ok
            }
            Cmd::TakeVacant { seat, p, access } => {
                let p = p % n_people;
                let (id, slot, h) = get(self, seat);
                let ok = self.active[slot[0]]
                    && h.is_none()
                    && self.member(p, slot[3])
                    && trusted_ok(slot, access)
                    && date_of(slot) >= today
                    && self.can_place(p, id, slot);
                if ok {
                    self.set(id, Some((p, Accepted)));
                }
                ok
            }
            Cmd::PlaceMember { seat, p } => {
                let p = p % n_people;
                let (id, slot, h) = get(self, seat);
                let ok = self.active[slot[0]]
                    && date_of(slot) >= today
                    && h.is_none()
                    && self.member(p, slot[3])
                    && self.can_place(p, id, slot);
                if ok {
                    self.set(id, Some((p, Accepted)));
                }
                ok
            }
            Cmd::OnBehalf { seat, p, accept } => {
                let p = p % n_people;
                let (id, slot, h) = get(self, seat);
                match h {
                    Some((q, status)) if q == p => {
                        if !accept {
                            self.set(id, None);
                            self.reject(p);
                            true
                        } else if status == Accepted {
                            true
                        } else if self.can_place(p, id, slot) {
                            self.set(id, Some((p, Accepted)));
                            true
                        } else {
                            false
                        }
                    }
                    _ => false,
                }
            }
            Cmd::Decline { seat, p, tok } => {
                let p = p % n_people;
                let (id, _, h) = get(self, seat);
                let ok = h == Some((p, Invited)) && tok != Tok::Wrong;
                if ok {
                    self.set(id, None);
                    self.reject(p);
                }
                ok
            }
            Cmd::Withdraw { seat, p } => {
                let p = p % n_people;
                let (id, slot, h) = get(self, seat);
                let lock = i64::from(self.s.lock_days[slot[0]]);
                let locked = today + Duration::days(lock) >= date_of(slot);
                let ok = h.is_some_and(|(q, _)| q == p) && !locked;
                if ok {
                    self.set(id, None);
                    self.reject(p);
                }
                ok
            }
            Cmd::Remove { seat } | Cmd::Revalidate { seat } => {
                let (id, _, h) = get(self, seat);
                self.set(id, None);
                h.is_some()
            }
            Cmd::DeleteParticipant { p } => {
                self.delete(p % n_people);
                true
            }
            Cmd::RemoveFromTeam { p, team } => {
                let p = p % n_people;
                let team = team % w.teams.len();
                if !self.member(p, team) {
                    return false;
                }
                let mine: Vec<(SeatId, [usize; 5], Holder)> = self
                    .seats
                    .iter()
                    .filter(|(_, (sl, h))| sl[3] == team && h.is_some_and(|(q, _)| q == p))
                    .map(|(id, (sl, h))| (*id, *sl, *h))
                    .collect();
                if mine.iter().any(|(_, sl, h)| {
                    h.is_some_and(|(_, st)| st == Accepted) && date_of(*sl) < today
                }) {
                    return false;
                }
                let only_team = self.people[p].as_ref().is_some_and(|(t, _)| t.len() == 1);
                if only_team {
                    self.delete(p);
                } else {
                    for (id, _, _) in mine {
                        self.set(id, None);
                        self.reject(p);
                    }
                    if let Some((t, _)) = self.people[p].as_mut() {
                        t.remove(&team);
                    }
                }
                true
            }
            Cmd::SetSeatCount { slot, desired } => {
                let slot = w.wrap(slot);
                if !simple_slot_ok(self.s, slot) {
                    return false;
                }
                let in_slot: Vec<(SeatId, Holder)> = self
                    .seats
                    .iter()
                    .filter(|(_, (sl, _))| *sl == slot)
                    .map(|(id, (_, h))| (*id, *h))
                    .collect();
                let before = in_slot.len();
                let desired = desired as usize;
                if desired > before {
                    assert_eq!(
                        new_seats.len(),
                        desired - before,
                        "engine created wrong count"
                    );
                    for id in new_seats {
                        self.seats.insert(*id, (slot, None));
                    }
                } else {
                    // The lowest-id vacant seats go; taken seats always stay.
                    let gone: Vec<SeatId> = in_slot
                        .iter()
                        .filter(|(_, h)| h.is_none())
                        .map(|(id, _)| *id)
                        .take(before - desired)
                        .collect();
                    for id in gone {
                        self.seats.remove(&id);
                    }
                }
                true
            }
            Cmd::MoveVacant {
                seat,
                to_team,
                count,
            } => {
                let (_, from, _) = get(self, seat);
                let to_team = to_team % w.teams.len();
                if !self.s.loc_teams[from[1]][to_team] {
                    return false;
                }
                if from[3] != to_team {
                    let moving: Vec<SeatId> = self
                        .seats
                        .iter()
                        .filter(|(_, (sl, h))| *sl == from && h.is_none())
                        .map(|(id, _)| *id)
                        .take(count as usize)
                        .collect();
                    for id in moving {
                        if let Some(s) = self.seats.get_mut(&id) {
                            s.0[3] = to_team;
                        }
                    }
                }
                true
            }
            Cmd::EditWindow { tt, window } => {
                let tt = tt % self.windows.len();
                let mut windows = self.windows.clone();
                windows[tt] = window;
                let held: Vec<([usize; 5], usize)> = self
                    .seats
                    .values()
                    .filter_map(|(slot, h)| h.map(|(p, _)| (*slot, p)))
                    .collect();
                let clash = held.iter().enumerate().any(|(i, (a, p))| {
                    held[i + 1..].iter().any(|(b, q)| {
                        let (s1, e1) = simple_window(windows[a[2]], a[4]);
                        let (s2, e2) = simple_window(windows[b[2]], b[4]);
                        p == q && (a[2] == tt || b[2] == tt) && s1 < e2 && s2 < e1
                    })
                });
                if !clash {
                    self.windows = windows;
                }
                !clash
            }
        }
    }

    fn delete(&mut self, p: usize) {
        for (_, h) in self.seats.values_mut() {
            if h.is_some_and(|(q, _)| q == p) {
                *h = None;
            }
        }
        self.people[p] = None;
    }
}

// ---------------------------------------------------------------------------------------------
// Invariants of the engine's world
// ---------------------------------------------------------------------------------------------

fn check_invariants(w: &World) -> Result<(), TestCaseError> {
    let held: Vec<&Seat> = w
        .seats
        .values()
        .filter(|s| s.state.participant().is_some())
        .collect();
    for (i, a) in held.iter().enumerate() {
        let pa = a.state.participant();
        let holder = w.participants.get(&pa.unwrap());
        prop_assert!(holder.is_some(), "seat held by a deleted participant");
        prop_assert!(
            holder.unwrap().teams.contains(&a.slot.team),
            "holder is not a member of the seat's team"
        );
        for b in &held[i + 1..] {
            if b.state.participant() == pa {
                let wa = Booking::of(a, w.task_type(a)).window;
                let wb = Booking::of(b, w.task_type(b)).window;
                prop_assert!(
                    !wa.overlaps(&wb),
                    "participant double booked: {:?} and {:?}",
                    a.slot,
                    b.slot
                );
            }
        }
    }
    Ok(())
}

fn slot_counts(w: &World) -> BTreeMap<SlotKey, usize> {
    let mut m = BTreeMap::new();
    for s in w.seats.values() {
        *m.entry(s.slot).or_insert(0) += 1;
    }
    m
}

fn check_step(
    before: &World,
    after: &World,
    cmd: &Cmd,
    outcome: &Result<Decision, Refused>,
) -> Result<(), TestCaseError> {
    match outcome {
        Err(r) => {
            prop_assert!(!r.violations.is_empty());
            prop_assert_eq!(before, after, "a refused command changed the world");
        }
        Ok(d) => {
            if !d.ops.is_empty() {
                prop_assert!(!d.audit.is_empty(), "a change without an audit entry");
            }
            for a in &d.audit {
                for p in before.participants.values() {
                    prop_assert!(!a.description.contains(&p.cpr.reveal()));
                }
            }
        }
    }
    // A taken seat is never deleted, nor moved.
    for s in before.seats.values() {
        if s.state.participant().is_some() {
            let now = after.seats.get(&s.id);
            prop_assert!(now.is_some(), "taken seat {} deleted by {:?}", s.id, cmd);
            prop_assert_eq!(now.unwrap().slot, s.slot);
        }
    }
    // Seats come and go (or change slot) only through distribution.
    if !matches!(cmd, Cmd::SetSeatCount { .. } | Cmd::MoveVacant { .. }) {
        prop_assert_eq!(slot_counts(before), slot_counts(after));
        for s in before.seats.values() {
            prop_assert_eq!(after.seats.get(&s.id).map(|x| x.slot), Some(s.slot));
        }
    }
    check_invariants(after)
}

fn run_sequence(setup: &Setup, cmds: &[(Cmd, usize)]) -> Result<(), TestCaseError> {
    let mut w = World::build(setup);
    let start = w.observe();
    let mut model = Model::new(setup, &start);
    check_invariants(&w)?;
    for (step, (cmd, now)) in cmds.iter().enumerate() {
        let Some(outcome) = w.run(cmd, instants()[*now]) else {
            continue;
        };
        let before = w.clone();
        if let Ok(d) = &outcome {
            w.apply(d);
        }
        check_step(&before, &w, cmd, &outcome)?;
        let new_seats: Vec<SeatId> = w
            .seats
            .keys()
            .filter(|id| !before.seats.contains_key(id))
            .copied()
            .collect();
        let allowed = model.run(cmd, *now, &before, &new_seats);
        prop_assert_eq!(
            allowed,
            outcome.is_ok(),
            "step {}: {:?} at {}: engine says {:?}",
            step,
            cmd,
            instants()[*now],
            outcome.as_ref().err()
        );
        prop_assert_eq!(
            &model.observe(),
            &w.observe(),
            "step {}: {:?}: model and engine disagree",
            step,
            cmd
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random worlds and command sequences: invariants hold after every step and the engine
    /// matches the simple model.
    #[test]
    fn engine_keeps_invariants_and_matches_the_model(
        setup in arb_setup(),
        cmds in prop::collection::vec(arb_cmd(), 1..40),
    ) {
        run_sequence(&setup, &cmds)?;
    }

    /// The same, with many seats and few people, so double booking and distribution collide
    /// more often.
    #[test]
    fn crowded_worlds_keep_invariants_and_match_the_model(
        mut setup in arb_setup(),
        cmds in prop::collection::vec(arb_cmd(), 20..60),
    ) {
        setup.people.truncate(2);
        for p in &mut setup.people {
            p.deceased = false;
            p.teams = vec![true; 3];
        }
        for (.., n) in &mut setup.initial {
            *n = 2;
        }
        run_sequence(&setup, &cmds)?;
    }
}

/// The model's plain overlap check and the engine's agree on the reference examples.
#[test]
fn simple_windows_match_the_engine_in_summer() {
    let s = Setup {
        n_elections: 1,
        single_active: true,
        lock_days: [4, 4],
        rules: [[true; 4]; 2],
        n_locations: 1,
        n_teams: 1,
        types: (0..WINDOWS.len())
            .map(|window| TypeGen {
                window,
                trusted: false,
                checks: true,
            })
            .collect(),
        loc_teams: vec![[true; 3]],
        loc_types: vec![[true; 3]],
        loc_in: vec![[true; 2]],
        people: vec![],
        initial: vec![],
    };
    let w = World::build(&s);
    for a in 0..WINDOWS.len() {
        for b in 0..WINDOWS.len() {
            for (da, db) in [(2, 2), (1, 2), (2, 1)] {
                let (s1, e1) = simple_window(a, da);
                let (s2, e2) = simple_window(b, db);
                let simple = s1 < e2 && s2 < e1;
                let wa = w.types[a].window.on(dates()[da]);
                let wb = w.types[b].window.on(dates()[db]);
                assert_eq!(simple, wa.overlaps(&wb), "{a} on {da} vs {b} on {db}");
            }
        }
    }
}
