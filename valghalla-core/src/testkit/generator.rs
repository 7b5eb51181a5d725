//! A seeded dataset generator: a municipality of a given size, up to København's, and the whole
//! country as 98 municipalities. Benches, demos and the conformance suite share it.
//!
//! The same spec and seed always give the same dataset (ids included).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::FakeRegistry;
use crate::cpr::Cpr;
use crate::ids::*;
use crate::model::*;
use crate::store::{Change, ChangeSet, Expect};
use crate::time::DailyWindow;
use crate::values::{MunicipalityCode, Name, Ore, PostalCode, ShortName};

/// The size of a generated municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Municipality code.
    pub code: u16,
    /// Municipality name.
    pub name: String,
    /// Polling stations.
    pub stations: usize,
    /// Parties (teams of kind party); a volunteers team is added.
    pub parties: usize,
    /// Task types (1–6).
    pub task_types: usize,
    /// Dates with tasks (1–3: election day, the day before, the day after).
    pub dates: usize,
    /// Seats in total, spread over stations, task types, teams and dates.
    pub seats: usize,
    /// Participants.
    pub participants: usize,
    /// Percentage of seats already invited or accepted.
    pub placed_percent: u8,
}

impl Spec {
    /// København: ≈53 stations, 2,400 seats, 3,000 participants, 12 parties, 6 task types, 3 dates.
    pub fn kobenhavn() -> Spec {
        Spec {
            code: 101,
            name: "Københavns Kommune".into(),
            stations: 53,
            parties: 12,
            task_types: 6,
            dates: 3,
            seats: 2400,
            participants: 3000,
            placed_percent: 40,
        }
    }

    /// The fictional Korsbæk: 12 stations, 10 parties, a few hundred participants.
    pub fn korsbaek() -> Spec {
        Spec {
            code: 999,
            name: "Korsbæk Kommune".into(),
            stations: 12,
            parties: 10,
            task_types: 6,
            dates: 3,
            seats: 480,
            participants: 400,
            placed_percent: 30,
        }
    }

    /// A tiny municipality for tests.
    pub fn small() -> Spec {
        Spec {
            code: 621,
            name: "Kolding Kommune".into(),
            stations: 3,
            parties: 3,
            task_types: 3,
            dates: 2,
            seats: 36,
            participants: 40,
            placed_percent: 30,
        }
    }

    /// The whole country: 98 municipalities, ≈1,384 stations, ≈44,000 seats, ≈55,000 people,
    /// sized like Danish municipalities (a few large, most small).
    pub fn country() -> Vec<Spec> {
        let mut rng = ChaCha8Rng::seed_from_u64(98);
        let mut weights: Vec<u32> = (0..98)
            .map(|i| if i < 4 { 40 } else { rng.random_range(6..=18) })
            .collect();
        weights[0] = 53;
        let total: u32 = weights.iter().sum();
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let stations = ((*w as usize) * 1384 / total as usize).max(1);
                Spec {
                    code: 101 + i as u16 * 8,
                    name: format!("Kommune {}", i + 1),
                    stations,
                    parties: 10,
                    task_types: 6,
                    dates: 3,
                    seats: stations * 32,
                    participants: stations * 40,
                    placed_percent: 30,
                }
            })
            .collect()
    }
}

/// A generated municipality: every record, ready to load into a store in one change set.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The municipality.
    pub municipality: Municipality,
    /// Areas.
    pub areas: Vec<Area>,
    /// Stations.
    pub work_locations: Vec<WorkLocation>,
    /// Task types.
    pub task_types: Vec<TaskType>,
    /// Teams (parties, then volunteers).
    pub teams: Vec<Team>,
    /// Special diets.
    pub special_diets: Vec<SpecialDiet>,
    /// The election type.
    pub election_type: ElectionType,
    /// The election (active).
    pub election: Election,
    /// Participants.
    pub participants: Vec<Participant>,
    /// Seats.
    pub seats: Vec<Seat>,
    /// The instant the data describes (a week before election day).
    pub now: DateTime<Utc>,
}

const FIRST: [&str; 24] = [
    "Anne",
    "Bent",
    "Camilla",
    "Dorte",
    "Erik",
    "Frederik",
    "Grethe",
    "Hans",
    "Ida",
    "Jens",
    "Karen",
    "Lars",
    "Mette",
    "Niels",
    "Ole",
    "Pia",
    "Rasmus",
    "Signe",
    "Thomas",
    "Ulla",
    "Vibeke",
    "Åse",
    "Øjvind",
    "Ærtebjerg",
];
const LAST: [&str; 20] = [
    "Andersen",
    "Bech",
    "Christensen",
    "Dahl",
    "Eriksen",
    "Frandsen",
    "Hansen",
    "Jensen",
    "Kristensen",
    "Larsen",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Pedersen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "Ørum",
    "Østergaard",
    "Aagaard",
];
const PARTY_LETTERS: [&str; 14] = [
    "A", "B", "C", "D", "F", "I", "K", "M", "O", "Q", "V", "Æ", "Ø", "Å",
];

fn id(rng: &mut ChaCha8Rng) -> Uuid {
    Uuid::from_u128(rng.random::<u128>() & !(0xF << 76) | (0x4 << 76))
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("constant times are valid")
}

fn name(s: &str) -> Name {
    Name::parse(s).expect("generated names are valid")
}

fn short(s: &str) -> ShortName {
    ShortName::parse(s).expect("generated short names are valid")
}

/// (title, short name, start, end, day offset from election day, trusted, checks eligibility)
type TaskTypeSpec = (
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
    i64,
    bool,
    bool,
);
const TASK_TYPES: [TaskTypeSpec; 6] = [
    ("Tilforordnet", "TF", (7, 30), (22, 0), 0, false, true),
    ("Valgstyrer", "VS", (7, 30), (23, 0), 0, true, true),
    ("Valgstyrerformand", "VF", (7, 0), (23, 30), 0, true, true),
    ("Brevstemmemodtager", "BM", (8, 0), (16, 0), -1, false, true),
    ("Fintæller", "FT", (17, 0), (2, 0), 1, false, false),
    ("Valgsekretær", "SEK", (6, 30), (23, 59), 0, true, false),
];

impl Dataset {
    /// Generates a municipality from `spec` and `seed`. Election day is 2026-11-17 (a Tuesday).
    pub fn generate(spec: &Spec, seed: u64) -> Dataset {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ u64::from(spec.code) << 32);
        let code = MunicipalityCode::parse(&spec.code.to_string()).expect("spec codes are 1-9999");
        let municipality = Municipality {
            code,
            name: name(&spec.name),
        };
        let election_day = NaiveDate::from_ymd_opt(2026, 11, 17).expect("a real date");
        let now = Utc
            .with_ymd_and_hms(2026, 11, 10, 9, 0, 0)
            .single()
            .expect("a real instant");

        let area_names = ["Nord", "Syd", "Øst", "Vest", "Centrum", "Havnen"];
        let areas: Vec<Area> = area_names
            .iter()
            .take((spec.stations / 10).clamp(1, 6))
            .map(|n| Area {
                id: AreaId::from_uuid(id(&mut rng)),
                name: name(n),
                description: String::new(),
            })
            .collect();

        let task_types: Vec<TaskType> = TASK_TYPES
            .iter()
            .take(spec.task_types.clamp(1, 6))
            .map(|(title, sn, s, e, _, trusted, checks)| TaskType {
                id: TaskTypeId::from_uuid(id(&mut rng)),
                title: name(title),
                short_name: short(sn),
                description: format!("<p>{title} på valgdagen.</p>"),
                window: DailyWindow::new(t(s.0, s.1), t(e.0, e.1)),
                payment: Ore::kroner(1320),
                trust: if *trusted {
                    Trust::Trusted
                } else {
                    Trust::Open
                },
                check_eligibility: *checks,
                reminders: true,
                chair: Some(*title == "Valgstyrerformand"),
            })
            .collect();
        let offsets: Vec<i64> = TASK_TYPES
            .iter()
            .take(task_types.len())
            .map(|x| x.4)
            .collect();

        let mut teams: Vec<Team> = (0..spec.parties)
            .map(|i| {
                let letter = PARTY_LETTERS[i % PARTY_LETTERS.len()];
                Team {
                    id: TeamId::from_uuid(id(&mut rng)),
                    name: name(&format!(
                        "Parti {letter}{}",
                        if i >= PARTY_LETTERS.len() {
                            format!(" {i}")
                        } else {
                            String::new()
                        }
                    )),
                    short_name: short(letter),
                    kind: TeamKind::Party,
                    description: String::new(),
                    responsibles: BTreeMap::new(),
                    responsibles_may_link_trusted: false,
                }
            })
            .collect();
        teams.push(Team {
            id: TeamId::from_uuid(id(&mut rng)),
            name: name("Frivillige"),
            short_name: short("FRI"),
            kind: TeamKind::Volunteers,
            description: String::new(),
            responsibles: BTreeMap::new(),
            responsibles_may_link_trusted: false,
        });

        let work_locations: Vec<WorkLocation> = (0..spec.stations)
            .map(|i| WorkLocation {
                id: WorkLocationId::from_uuid(id(&mut rng)),
                area: areas[i % areas.len()].id,
                title: name(&format!("{} Skole {}", area_names[i % areas.len()], i + 1)),
                address: Address {
                    street: format!("Skolevej {}", i + 1),
                    postal_code: PostalCode::parse(&format!("{}", 1000 + (i % 900) * 10)).ok(),
                    city: spec.name.replace(" Kommune", ""),
                },
                voting_area: Some(i as u32 + 1),
                teams: teams.iter().map(|t| t.id).collect(),
                task_types: task_types.iter().map(|t| t.id).collect(),
                responsibles: BTreeSet::new(),
                coordinates: Some((
                    55_000_000 + rng.random_range(0..500_000),
                    12_000_000 + rng.random_range(0..500_000),
                )),
            })
            .collect();

        let special_diets = ["Vegetar", "Glutenfri", "Laktosefri"]
            .iter()
            .map(|d| SpecialDiet {
                id: SpecialDietId::from_uuid(id(&mut rng)),
                title: name(d),
            })
            .collect::<Vec<_>>();

        let election_type = ElectionType {
            id: ElectionTypeId::from_uuid(id(&mut rng)),
            ..ElectionType::with_default_rules(
                name("Folketingsvalg og folkeafstemning"),
                ElectionKind::Folketingsvalg,
            )
        };
        let span = i64::try_from(spec.dates.clamp(1, 3)).unwrap_or(1);
        let period = DateRange::new(
            election_day - Duration::days(1),
            election_day + Duration::days(1),
        )
        .expect("the period is ordered");
        let mut election = Election::new(
            name("Folketingsvalg 2026"),
            election_type.id,
            election_day,
            period,
            4,
        )
        .expect("election day lies in the period");
        election.id = ElectionId::from_uuid(id(&mut rng));
        election.active = true;
        election.work_locations = work_locations.iter().map(|l| l.id).collect();

        // Cells: (station, task type, team); each task type on its own date (within `dates`).
        let mut cells = Vec::new();
        for l in &work_locations {
            for (ti, tt) in task_types.iter().enumerate() {
                let offset = if span == 1 {
                    0
                } else if span == 2 {
                    offsets[ti].clamp(0, 1)
                } else {
                    offsets[ti]
                };
                for team in &teams {
                    cells.push(SlotKey {
                        election: election.id,
                        work_location: l.id,
                        task_type: tt.id,
                        team: team.id,
                        date: election_day + Duration::days(offset),
                    });
                }
            }
        }
        let mut seats = Vec::with_capacity(spec.seats);
        for i in 0..spec.seats {
            let slot = cells[(i * 7919) % cells.len()];
            seats.push(Seat {
                id: SeatId::from_uuid(id(&mut rng)),
                slot,
                state: SeatState::Vacant,
            });
        }
        seats.sort_by_key(|s| (s.slot, s.id));

        let participants: Vec<Participant> = (0..spec.participants)
            .map(|i| {
                let birth_year = rng.random_range(1950..2006);
                let (day, month) = (rng.random_range(1..=28), rng.random_range(1..=12));
                let seventh = if birth_year >= 2000 {
                    4
                } else {
                    rng.random_range(0..=3)
                };
                let serial = i % 1000;
                let text = format!(
                    "{day:02}{month:02}{:02}{seventh}{serial:03}",
                    birth_year % 100
                );
                let cpr = Cpr::parse(&text).expect("generated from a valid date");
                let team = if rng.random_range(0..10) < 2 {
                    teams.len() - 1
                } else {
                    i % spec.parties.max(1)
                };
                let first = FIRST[rng.random_range(0..FIRST.len())];
                let last = LAST[rng.random_range(0..LAST.len())];
                let mut person = FakeRegistry::resident(&cpr, first, last, code);
                if rng.random_range(0..100) < 3 {
                    person.municipality = None; // moved abroad: ineligible where residency applies
                }
                Participant {
                    id: ParticipantId::from_uuid(id(&mut rng)),
                    cpr,
                    person,
                    contact: Contact {
                        mobile: crate::values::MobileNumber::parse(&format!("2{:07}", i)).ok(),
                        email: crate::values::Email::parse(&format!("deltager{i}@example.dk")).ok(),
                    },
                    special_diets: if i % 9 == 0 {
                        [special_diets[0].id].into()
                    } else {
                        BTreeSet::new()
                    },
                    teams: [teams[team.min(teams.len() - 1)].id].into(),
                    preferred_work_location: Some(
                        work_locations[rng.random_range(0..work_locations.len())].id,
                    ),
                    last_validated_at: Some(now),
                    consent: None,
                    created_at: now,
                }
            })
            .collect();
        // CPR numbers must be unique: the serial above cycles every 1000; reroll collisions.
        let mut participants = participants;
        let mut seen = BTreeSet::new();
        for p in &mut participants {
            while !seen.insert(p.cpr) {
                let bumped = format!("{}{:03}", &p.cpr.reveal()[..7], rng.random_range(0..1000));
                if let Ok(c) = Cpr::parse(&bumped) {
                    p.cpr = c;
                    p.person.birth_date = c.birth_date();
                }
            }
        }

        // Place a share of seats: each person at most one seat per date, only their own team's
        // seats, only where they are eligible.
        let placed_target = spec.seats * usize::from(spec.placed_percent) / 100;
        let mut by_team: BTreeMap<TeamId, Vec<usize>> = BTreeMap::new();
        for (i, p) in participants.iter().enumerate() {
            if p.person.municipality.is_some()
                && let Some(team) = p.teams.iter().next()
            {
                by_team.entry(*team).or_default().push(i);
            }
        }
        let mut busy: BTreeSet<(usize, NaiveDate)> = BTreeSet::new();
        let mut cursor: BTreeMap<TeamId, usize> = BTreeMap::new();
        let mut placed = 0;
        for seat in seats.iter_mut() {
            if placed >= placed_target {
                break;
            }
            if rng.random_range(0..100) >= u32::from(spec.placed_percent) * 2 {
                continue;
            }
            let Some(pool) = by_team.get(&seat.slot.team) else {
                continue;
            };
            let start = cursor.entry(seat.slot.team).or_default();
            let chosen = (0..pool.len())
                .map(|k| pool[(*start + k) % pool.len()])
                .find(|i| !busy.contains(&(*i, seat.slot.date)));
            let Some(i) = chosen else { continue };
            *start += 1;
            busy.insert((i, seat.slot.date));
            let participant = participants[i].id;
            seat.state = if rng.random_range(0..3) == 0 {
                SeatState::Invited {
                    participant,
                    token: InvitationToken::from_string(format!("gen-{}", seat.id)),
                    invited_at: now,
                    last_reminder_at: None,
                }
            } else {
                SeatState::Accepted {
                    participant,
                    accepted_at: now,
                    via: AcceptedVia::Invitation,
                    task_reminder_at: None,
                }
            };
            placed += 1;
        }

        Dataset {
            municipality,
            areas,
            work_locations,
            task_types,
            teams,
            special_diets,
            election_type,
            election,
            participants,
            seats,
            now,
        }
    }

    /// Every record, in an order that satisfies foreign keys.
    pub fn records(&self) -> Vec<Record> {
        let mut out = vec![Record::Municipality(self.municipality.clone())];
        out.extend(self.areas.iter().cloned().map(Record::Area));
        out.extend(self.task_types.iter().cloned().map(Record::TaskType));
        out.extend(self.teams.iter().cloned().map(Record::Team));
        out.extend(self.special_diets.iter().cloned().map(Record::SpecialDiet));
        out.extend(self.participants.iter().cloned().map(Record::Participant));
        out.extend(
            self.work_locations
                .iter()
                .cloned()
                .map(Record::WorkLocation),
        );
        out.push(Record::ElectionType(self.election_type.clone()));
        out.push(Record::Election(self.election.clone()));
        out.extend(self.seats.iter().cloned().map(Record::Seat));
        out
    }

    /// One change set inserting every record.
    pub fn change_set(&self) -> ChangeSet {
        ChangeSet {
            changes: self
                .records()
                .into_iter()
                .map(|r| Change {
                    op: Op::Put(r),
                    expect: Expect::Absent,
                })
                .collect(),
            audit: vec![],
            messages: vec![],
        }
    }

    /// A fake registry that knows every participant.
    pub fn registry(&self) -> FakeRegistry {
        let registry = FakeRegistry::new();
        for p in &self.participants {
            registry.insert(p.cpr, p.person.clone());
        }
        registry
    }

    /// Seats by status: (vacant, invited, accepted).
    pub fn status_counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for s in &self.seats {
            match s.state.status() {
                SeatStatus::Vacant => c.0 += 1,
                SeatStatus::Invited => c.1 += 1,
                SeatStatus::Accepted => c.2 += 1,
            }
        }
        c
    }
}
