//! Test fixtures: a small consistent world of master data, and records to write into it.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use valghalla_core::Cpr;
use valghalla_core::ids::*;
use valghalla_core::messages::MessageKind;
use valghalla_core::model::*;
use valghalla_core::store::{
    Change, ChangeSet, DeliveryStatus, Expect, OutboxMessage, Query, Store,
};
use valghalla_core::time::DailyWindow;
use valghalla_core::values::{Name, ShortName};

pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_780_000_000 + secs, 0).unwrap()
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
}

pub fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

/// Master data every seat can refer to: one election type, two elections, one area, two work
/// locations, two task types, two teams.
#[derive(Debug, Clone)]
pub struct World {
    pub election_type: ElectionType,
    pub elections: Vec<Election>,
    pub area: Area,
    pub locations: Vec<WorkLocation>,
    pub task_types: Vec<TaskType>,
    pub teams: Vec<Team>,
}

impl World {
    pub fn new() -> World {
        let election_type =
            ElectionType::with_default_rules(name("Folketingsvalg"), ElectionKind::Folketingsvalg);
        let period = DateRange::new(day(9), day(11)).unwrap();
        let elections = (0..2)
            .map(|i| {
                Election::new(
                    name(&format!("Valg {i}")),
                    election_type.id,
                    day(10),
                    period,
                    4,
                )
                .unwrap()
            })
            .collect();
        let area = Area {
            id: AreaId::new(),
            name: name("Nord"),
            description: String::new(),
        };
        let locations = (0..2)
            .map(|i| WorkLocation {
                id: WorkLocationId::new(),
                area: area.id,
                title: name(&format!("Skole {i}")),
                address: Address {
                    street: "Vej 1".into(),
                    postal_code: None,
                    city: "By".into(),
                },
                voting_area: Some(i),
                teams: BTreeSet::new(),
                task_types: BTreeSet::new(),
                responsibles: BTreeSet::new(),
                coordinates: None,
            })
            .collect();
        let task_types = (0..2)
            .map(|i| TaskType {
                id: TaskTypeId::new(),
                title: name(&format!("Opgave {i}")),
                short_name: ShortName::parse(&format!("O{i}")).unwrap(),
                description: String::new(),
                window: DailyWindow::new(
                    NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                    NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
                ),
                payment: None,
                trust: Trust::Open,
                check_eligibility: true,
                reminders: true,
                chair: None,
            })
            .collect();
        let teams = (0..2)
            .map(|i| Team {
                id: TeamId::new(),
                name: name(&format!("Parti {i}")),
                short_name: ShortName::parse(&format!("P{i}")).unwrap(),
                kind: TeamKind::Party,
                description: String::new(),
                responsibles: BTreeMap::new(),
                responsibles_may_link_trusted: false,
            })
            .collect();
        World {
            election_type,
            elections,
            area,
            locations,
            task_types,
            teams,
        }
    }

    pub fn records(&self) -> Vec<Record> {
        let mut out = vec![
            Record::ElectionType(self.election_type.clone()),
            Record::Area(self.area.clone()),
        ];
        out.extend(self.elections.iter().cloned().map(Record::Election));
        out.extend(self.locations.iter().cloned().map(Record::WorkLocation));
        out.extend(self.task_types.iter().cloned().map(Record::TaskType));
        out.extend(self.teams.iter().cloned().map(Record::Team));
        out
    }

    /// The master data as one change set of inserts.
    pub fn change_set(&self) -> ChangeSet {
        puts(self.records(), Expect::Absent)
    }

    /// Slot number `i` (cycling through elections, locations, task types, teams and dates).
    pub fn slot(&self, i: usize) -> SlotKey {
        SlotKey {
            election: self.elections[i % 2].id,
            work_location: self.locations[(i / 2) % 2].id,
            task_type: self.task_types[(i / 4) % 2].id,
            team: self.teams[(i / 8) % 2].id,
            date: day(9 + (i / 16 % 3) as u32),
        }
    }
}

pub fn puts(records: Vec<Record>, expect: Expect) -> ChangeSet {
    ChangeSet {
        changes: records
            .into_iter()
            .map(|r| Change {
                op: Op::Put(r),
                expect,
            })
            .collect(),
        ..ChangeSet::default()
    }
}

pub fn change(op: Op, expect: Expect) -> ChangeSet {
    ChangeSet {
        changes: vec![Change { op, expect }],
        ..ChangeSet::default()
    }
}

/// Valid CPR numbers (modulus 11 is not required).
pub const CPRS: [&str; 5] = [
    "0101901234",
    "0202852345",
    "0303753456",
    "0404654567",
    "0505555678",
];

pub fn cpr(i: usize) -> Cpr {
    Cpr::parse(CPRS[i % CPRS.len()]).unwrap()
}

pub fn participant(cpr: Cpr, teams: &[TeamId]) -> Participant {
    Participant {
        id: ParticipantId::new(),
        cpr,
        person: PersonRecord {
            first_name: "Anne".into(),
            last_name: "Hansen".into(),
            address: None,
            municipality: None,
            citizenship: Some(CountryCode::DENMARK),
            birth_date: cpr.birth_date(),
            deceased: false,
            under_guardianship: false,
            protected_address: false,
            exempt_from_digital_post: false,
            resident_in_realm_since: None,
        },
        contact: Contact::default(),
        special_diets: BTreeSet::new(),
        teams: teams.iter().copied().collect(),
        preferred_work_location: None,
        last_validated_at: None,
        consent: None,
        created_at: at(0),
    }
}

pub fn invited(participant: ParticipantId) -> SeatState {
    SeatState::Invited {
        participant,
        token: InvitationToken::from_string("invitation".into()),
        invited_at: at(10),
        last_reminder_at: None,
    }
}

pub fn audit(
    at_secs: i64,
    participant: Option<ParticipantId>,
    election: Option<ElectionId>,
) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        at: at(at_secs),
        actor: ActorLabel::Job {
            name: "test".into(),
        },
        action: AuditAction::Edit,
        subject: RecordKey::Seat(SeatId::new()).into(),
        participant,
        election,
        description: format!("entry at {at_secs}"),
    }
}

pub fn message(
    created_secs: i64,
    participant: ParticipantId,
    election: Option<ElectionId>,
) -> OutboxMessage {
    OutboxMessage {
        id: MessageId::new(),
        kind: MessageKind::Invitation,
        participant,
        election,
        seat: None,
        facts: BTreeMap::from([("navn".to_string(), "Anne".to_string())]),
        custom: None,
        calendar: None,
        created_at: at(created_secs),
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: at(created_secs),
        last_error: None,
    }
}

/// Every record of every kind, sorted by key: two stores hold the same data iff these are equal.
pub async fn snapshot(store: &dyn Store) -> Vec<(RecordKey, Versioned<Record>)> {
    let kinds = [
        RecordKind::Municipality,
        RecordKind::Area,
        RecordKind::WorkLocation,
        RecordKind::TaskType,
        RecordKind::Team,
        RecordKind::SpecialDiet,
        RecordKind::ElectionType,
        RecordKind::Election,
        RecordKind::Seat,
        RecordKind::Participant,
        RecordKind::Rejection,
        RecordKind::Link,
        RecordKind::Communication,
        RecordKind::Thread,
        RecordKind::Attendance,
        RecordKind::Reserve,
        RecordKind::SeatOffer,
        RecordKind::Note,
    ];
    let mut out = Vec::new();
    for kind in kinds {
        for v in store.query(&Query::All(kind)).await.unwrap() {
            out.push((v.value.key(), v));
        }
    }
    out.sort_by_key(|(k, _)| *k);
    out
}

/// A query's result as a sorted list (results come in no particular order).
pub async fn sorted(store: &dyn Store, query: &Query) -> Vec<(RecordKey, u64)> {
    let mut out: Vec<_> = store
        .query(query)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.value.key(), v.version))
        .collect();
    out.sort();
    out
}
