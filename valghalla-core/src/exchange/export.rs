//! Building export tables from query rows (pure; the service authorizes and audit-logs).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::collation::{danish_cmp, sort_danish_by};
use crate::ids::{ParticipantId, SeatId, TeamId};
use crate::model::{Participant, Seat, SeatStatus, SpecialDiet, Team, WorkLocation};
use crate::values::Ore;

use super::Table;

/// One seat with its holder, for participant lists and exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantRow {
    /// Seat.
    pub seat: SeatId,
    /// Status.
    pub status: SeatStatus,
    /// Participant.
    pub participant: ParticipantId,
    /// Full name.
    pub name: String,
    /// Age on election day.
    pub age: i32,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Mobile.
    pub mobile: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Address (empty when protected).
    pub address: String,
    /// Name and address protection.
    pub protected_address: bool,
    /// Special diets.
    pub special_diets: Vec<String>,
    /// Team.
    pub team: String,
    /// Area.
    pub area: String,
    /// Work location.
    pub work_location: String,
    /// The national afstemningsområde number.
    pub voting_area: Option<u32>,
    /// Task type.
    pub task_type: String,
    /// Date.
    pub date: NaiveDate,
    /// Start (local time, HH:MM).
    pub start: String,
    /// End (local time, HH:MM, with "(næste dag)" when it is the next day).
    pub end: String,
    /// Payment.
    pub payment: Option<Ore>,
}

/// A column of the participant list (*deltagerliste*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListColumn {
    /// Full name.
    Name,
    /// Full CPR number `DDMMYY-XXXX` (only for actors who may see it; audit-logged).
    Cpr,
    /// Age on election day.
    Age,
    /// Mobile number.
    Mobile,
    /// E-mail.
    Email,
    /// Address (empty when protected).
    Address,
    /// Name and address protection (Ja/Nej).
    ProtectedAddress,
    /// Special diets.
    SpecialDiets,
    /// The seat's team.
    Team,
    /// Area.
    Area,
    /// Work location (station).
    WorkLocation,
    /// Task type.
    TaskType,
    /// Seat status.
    Status,
    /// Task date.
    Date,
    /// Start time.
    Start,
    /// Payment.
    Payment,
    /// An empty column for signatures on printed receipt lists.
    Receipt,
}

impl ListColumn {
    /// Every column, in the usual order.
    pub const ALL: [ListColumn; 17] = [
        ListColumn::Name,
        ListColumn::Cpr,
        ListColumn::Age,
        ListColumn::Mobile,
        ListColumn::Email,
        ListColumn::Address,
        ListColumn::ProtectedAddress,
        ListColumn::SpecialDiets,
        ListColumn::Team,
        ListColumn::Area,
        ListColumn::WorkLocation,
        ListColumn::TaskType,
        ListColumn::Status,
        ListColumn::Date,
        ListColumn::Start,
        ListColumn::Payment,
        ListColumn::Receipt,
    ];

    /// The Danish header.
    pub fn header_da(self) -> &'static str {
        match self {
            ListColumn::Name => "Navn",
            ListColumn::Cpr => "CPR-nummer",
            ListColumn::Age => "Alder",
            ListColumn::Mobile => "Mobil",
            ListColumn::Email => "E-mail",
            ListColumn::Address => "Adresse",
            ListColumn::ProtectedAddress => "Beskyttet adresse",
            ListColumn::SpecialDiets => "Specialkost",
            ListColumn::Team => "Team",
            ListColumn::Area => "Område",
            ListColumn::WorkLocation => "Arbejdssted",
            ListColumn::TaskType => "Opgavetype",
            ListColumn::Status => "Status",
            ListColumn::Date => "Dato",
            ListColumn::Start => "Starttid",
            ListColumn::Payment => "Betaling",
            ListColumn::Receipt => "Kvittering",
        }
    }
}

/// The one date format of pages, lists and exports: `24.12.2001`.
pub(super) fn date_da(d: NaiveDate) -> String {
    crate::time::format_date(d)
}

/// The birth date as KMD's Valg Central imports it, `24-12-2001`: a machine's format, not a
/// person's, so it keeps its dashes.
fn valg_central_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn status_da(s: SeatStatus) -> &'static str {
    match s {
        SeatStatus::Vacant => "Ledig",
        SeatStatus::Invited => "Ubesvaret",
        SeatStatus::Accepted => "Accepteret",
    }
}

/// The participant list with `columns`, one row per seat. `cprs` maps participants to their
/// full CPR numbers (`DDMMYY-XXXX`); it is read only for [`ListColumn::Cpr`].
pub fn list_table(
    rows: &[ParticipantRow],
    columns: &[ListColumn],
    cprs: &HashMap<ParticipantId, String>,
) -> Table {
    let headers = columns.iter().map(|c| c.header_da().to_owned()).collect();
    let body = rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| match c {
                    ListColumn::Name => r.name.clone(),
                    ListColumn::Cpr => cprs.get(&r.participant).cloned().unwrap_or_default(),
                    ListColumn::Age => r.age.to_string(),
                    ListColumn::Mobile => r.mobile.clone().unwrap_or_default(),
                    ListColumn::Email => r.email.clone().unwrap_or_default(),
                    ListColumn::Address => r.address.clone(),
                    ListColumn::ProtectedAddress => {
                        if r.protected_address { "Ja" } else { "Nej" }.to_owned()
                    }
                    ListColumn::SpecialDiets => r.special_diets.join(", "),
                    ListColumn::Team => r.team.clone(),
                    ListColumn::Area => r.area.clone(),
                    ListColumn::WorkLocation => r.work_location.clone(),
                    ListColumn::TaskType => r.task_type.clone(),
                    ListColumn::Status => status_da(r.status).to_owned(),
                    ListColumn::Date => date_da(r.date),
                    ListColumn::Start => r.start.clone(),
                    ListColumn::Payment => r.payment.map(|p| p.to_string()).unwrap_or_default(),
                    ListColumn::Receipt => String::new(),
                })
                .collect()
        })
        .collect();
    Table::new(headers, body)
}

/// The participant register in the participant import's own format (CPR-nummer, Navn, Team,
/// Mobil, E-mail, Specialkost, Foretrukket valgsted), sorted by name in Danish order, so an
/// export can be imported again. Teams and diets are separated by `|`.
pub fn participants_table(
    participants: &[Participant],
    teams: &[Team],
    diets: &[SpecialDiet],
    locations: &[WorkLocation],
) -> Table {
    let team_names: HashMap<TeamId, &str> = teams.iter().map(|t| (t.id, t.name.as_str())).collect();
    let diet_names: HashMap<_, &str> = diets.iter().map(|d| (d.id, d.title.as_str())).collect();
    let station_names: HashMap<_, &str> =
        locations.iter().map(|l| (l.id, l.title.as_str())).collect();
    let mut sorted: Vec<&Participant> = participants.iter().collect();
    sorted
        .sort_by(|a, b| danish_cmp(&a.full_name(), &b.full_name()).then_with(|| a.cpr.cmp(&b.cpr)));
    let join = |names: Vec<&str>| {
        let mut names: Vec<&str> = names;
        names.sort_by(|a, b| danish_cmp(a, b));
        names.join("|")
    };
    let rows = sorted
        .iter()
        .map(|p| {
            vec![
                p.cpr.reveal_dashed(),
                p.full_name(),
                join(
                    p.teams
                        .iter()
                        .filter_map(|t| team_names.get(t).copied())
                        .collect(),
                ),
                p.contact.mobile.map(|m| m.national()).unwrap_or_default(),
                p.contact
                    .email
                    .as_ref()
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
                join(
                    p.special_diets
                        .iter()
                        .filter_map(|d| diet_names.get(d).copied())
                        .collect(),
                ),
                p.preferred_work_location
                    .and_then(|l| station_names.get(&l).map(|s| (*s).to_owned()))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Table::new(
        [
            "CPR-nummer",
            "Navn",
            "Team",
            "Mobil",
            "E-mail",
            "Specialkost",
            "Foretrukket valgsted",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows,
    )
}

/// The roles of the national election system (KMD Valg Central / Valg Lokal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NationalRole {
    /// Valgstyrerformand (chair of the polling-station board).
    Valgstyrerformand,
    /// Valgstyrer (member of the board).
    Valgstyrer,
    /// Tilforordnet vælger (appointed voter).
    Tilforordnet,
    /// Valgsekretær (municipal election secretary at the station).
    Valgsekretaer,
    /// Not sent to the national system (postal-vote receivers, final counters, …).
    NotExported,
}

impl NationalRole {
    /// The role a task type title suggests: "…formand…" → valgstyrerformand, "valgstyrer" →
    /// valgstyrer, "…sekretær…" → valgsekretær, "tilforordnet" → tilforordnet, anything else
    /// is not exported. Case-insensitive.
    pub fn from_title(title: &str) -> NationalRole {
        let t = title.to_lowercase();
        if crate::model::title_names_chair(&t) {
            NationalRole::Valgstyrerformand
        } else if t.contains("valgstyrer") {
            NationalRole::Valgstyrer
        } else if t.contains("sekretær") || t.contains("sekretaer") {
            NationalRole::Valgsekretaer
        } else if t.contains("tilforordnet") {
            NationalRole::Tilforordnet
        } else {
            NationalRole::NotExported
        }
    }

    /// The role of task type `t`: the chair when the secretariat made it the station's chair
    /// ([`TaskType::chairs_station`](crate::model::TaskType::chairs_station)); a task type
    /// whose title names the chair but which the secretariat says does not chair is a
    /// valgstyrer; otherwise what its title says ([`NationalRole::from_title`]).
    pub fn of(t: &crate::model::TaskType) -> NationalRole {
        match (
            t.chairs_station(),
            NationalRole::from_title(t.title.as_str()),
        ) {
            (true, _) => NationalRole::Valgstyrerformand,
            (false, NationalRole::Valgstyrerformand) => NationalRole::Valgstyrer,
            (false, role) => role,
        }
    }

    /// The role text written in the Valg Central file. Valg Central (2024) imports only
    /// *Valgsekretær* and *Tilforordnet*, so valgstyrere and their chair are written as
    /// *Tilforordnet* (what municipalities did by hand in Excel before); `None` for roles that
    /// are not exported.
    pub fn valg_central_label(self) -> Option<&'static str> {
        match self {
            NationalRole::Valgstyrerformand
            | NationalRole::Valgstyrer
            | NationalRole::Tilforordnet => Some("Tilforordnet"),
            NationalRole::Valgsekretaer => Some("Valgsekretær"),
            NationalRole::NotExported => None,
        }
    }
}

/// Which national role each task type has: explicit choices by task type title
/// (case-insensitive), falling back to [`NationalRole::from_title`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMapping {
    overrides: BTreeMap<String, NationalRole>,
}

impl RoleMapping {
    /// The default mapping (by title only).
    pub fn new() -> RoleMapping {
        RoleMapping::default()
    }

    /// Maps the task type titled `title` to `role`.
    pub fn with(mut self, title: &str, role: NationalRole) -> RoleMapping {
        self.overrides.insert(title.trim().to_lowercase(), role);
        self
    }

    /// The role of the task type titled `title`.
    pub fn role_for(&self, title: &str) -> NationalRole {
        self.overrides
            .get(&title.trim().to_lowercase())
            .copied()
            .unwrap_or_else(|| NationalRole::from_title(title))
    }
}

/// One line of the Valg Central file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValgCentralRow {
    /// Participant.
    pub participant: ParticipantId,
    /// The role as Valg Central names it.
    pub role: String,
    /// Full name.
    pub name: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Afstemningsområde number.
    pub voting_area: u32,
    /// CPR number as `DDMMYY-XXXX`.
    pub cpr: String,
}

/// The Valg Central lines for `rows`: accepted seats at locations with an afstemningsområde
/// number whose task type maps to an exported role; one line per person, area and role;
/// sorted by area, role and name (Danish order).
pub fn valg_central_rows(
    rows: &[ParticipantRow],
    mapping: &RoleMapping,
    cprs: &HashMap<ParticipantId, String>,
) -> Vec<ValgCentralRow> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in rows.iter().filter(|r| r.status == SeatStatus::Accepted) {
        let (Some(area), Some(label), Some(cpr)) = (
            r.voting_area,
            mapping.role_for(&r.task_type).valg_central_label(),
            cprs.get(&r.participant),
        ) else {
            continue;
        };
        if !seen.insert((r.participant, area, label)) {
            continue;
        }
        out.push(ValgCentralRow {
            participant: r.participant,
            role: label.to_owned(),
            name: r.name.clone(),
            birth_date: r.birth_date,
            voting_area: area,
            cpr: cpr.clone(),
        });
    }
    out.sort_by(|a, b| {
        a.voting_area
            .cmp(&b.voting_area)
            .then_with(|| danish_cmp(&a.role, &b.role))
            .then_with(|| danish_cmp(&a.name, &b.name))
    });
    out
}

/// The Valg Central file's table: `Rolle;Navn;Fødselsdato;Afstemningsområde;Brugernavn;CPR`,
/// birth date as `DD-MM-YYYY`, user name left empty (Valg Central assigns it). Write it with
/// [`super::CsvOptions::excel_da`] (UTF-8 with BOM, `;`).
pub fn valg_central_table(rows: &[ValgCentralRow]) -> Table {
    Table::new(
        [
            "Rolle",
            "Navn",
            "Fødselsdato",
            "Afstemningsområde",
            "Brugernavn",
            "CPR",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows.iter()
            .map(|r| {
                vec![
                    r.role.clone(),
                    r.name.clone(),
                    valg_central_date(r.birth_date),
                    r.voting_area.to_string(),
                    String::new(),
                    r.cpr.clone(),
                ]
            })
            .collect(),
    )
}

/// A party's (team's) staffing status in an election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyStatus {
    /// Team.
    pub team: TeamId,
    /// Name.
    pub name: String,
    /// Short name / party letter.
    pub short_name: String,
    /// Seats.
    pub seats: u32,
    /// Accepted seats.
    pub filled: u32,
    /// Invited, unanswered.
    pub invited: u32,
    /// Vacant.
    pub vacant: u32,
    /// The people holding accepted seats, in Danish order (each once).
    pub names: Vec<String>,
}

/// Each team's status over `seats` (teams without seats are left out), in Danish order.
/// `names` gives participants' names.
pub fn party_status(
    teams: &[Team],
    seats: &[Seat],
    names: &HashMap<ParticipantId, String>,
) -> Vec<PartyStatus> {
    let mut by_team: BTreeMap<TeamId, (PartyStatus, BTreeSet<ParticipantId>)> = BTreeMap::new();
    for t in teams {
        by_team.insert(
            t.id,
            (
                PartyStatus {
                    team: t.id,
                    name: t.name.to_string(),
                    short_name: t.short_name.to_string(),
                    seats: 0,
                    filled: 0,
                    invited: 0,
                    vacant: 0,
                    names: vec![],
                },
                BTreeSet::new(),
            ),
        );
    }
    for s in seats {
        let Some((status, people)) = by_team.get_mut(&s.slot.team) else {
            continue;
        };
        status.seats += 1;
        match s.state.status() {
            SeatStatus::Vacant => status.vacant += 1,
            SeatStatus::Invited => status.invited += 1,
            SeatStatus::Accepted => {
                status.filled += 1;
                if let Some(p) = s.state.participant() {
                    people.insert(p);
                }
            }
        }
    }
    let mut out: Vec<PartyStatus> = by_team
        .into_values()
        .filter(|(s, _)| s.seats > 0)
        .map(|(mut s, people)| {
            s.names = people
                .iter()
                .filter_map(|p| names.get(p).cloned())
                .collect();
            s.names.sort_by(|a, b| danish_cmp(a, b));
            s
        })
        .collect();
    sort_danish_by(&mut out, |s| s.name.as_str());
    out
}

/// The party status report as a table: `Parti;Bogstav;Pladser;Besat;Ubesvaret;Ledige;Navne`.
pub fn party_status_table(status: &[PartyStatus]) -> Table {
    Table::new(
        [
            "Parti",
            "Bogstav",
            "Pladser",
            "Besat",
            "Ubesvaret",
            "Ledige",
            "Navne",
        ]
        .map(str::to_owned)
        .to_vec(),
        status
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.short_name.clone(),
                    s.seats.to_string(),
                    s.filled.to_string(),
                    s.invited.to_string(),
                    s.vacant.to_string(),
                    s.names.join(", "),
                ]
            })
            .collect(),
    )
}

#[cfg(test)]
mod date_tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn lists_for_people_write_dates_as_day_dot_month_dot_year() {
        assert_eq!(date_da(day(2027, 1, 5)), "05.01.2027");
        let payroll = crate::exchange::payroll_table(
            &[crate::exchange::PayrollPerson {
                participant: ParticipantId::new(),
                name: "Agnes Jensen".into(),
                cpr: None,
                tasks: vec![crate::exchange::PayrollTask {
                    date: day(2027, 1, 5),
                    work_location: "Nord Skole".into(),
                    task_type: "Tilforordnet".into(),
                    payment: Ore(0),
                    attendance: None,
                    reserve: false,
                }],
                total: Ore(0),
            }],
            false,
        );
        let first = payroll
            .rows
            .first()
            .map(|r| format!("{r:?}"))
            .unwrap_or_default();
        assert!(first.contains("\"05.01.2027\""), "{first}");
    }

    #[test]
    fn valg_central_keeps_the_dashes_its_import_expects() {
        let rows = [ValgCentralRow {
            participant: ParticipantId::new(),
            role: "Tilforordnet".into(),
            name: "Agnes Jensen".into(),
            birth_date: day(1975, 6, 30),
            voting_area: 1,
            cpr: "300675-1234".into(),
        }];
        let table = valg_central_table(&rows);
        let first = table
            .rows
            .first()
            .map(|r| format!("{r:?}"))
            .unwrap_or_default();
        assert!(first.contains("\"30-06-1975\""), "{first}");
    }
}
