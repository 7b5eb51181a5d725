//! Validating imported rows against the master data (pure; the service writes the result).

use std::collections::{BTreeSet, HashMap};

use crate::cpr::Cpr;
use crate::ids::{AreaId, SpecialDietId, TeamId, WorkLocationId};
use crate::model::{Area, SpecialDiet, Team, WorkLocation};
use crate::values::{DanishMessage, Email, FieldError, MobileNumber, Name, PostalCode};

use super::columns::{self, Column};
use super::{ExchangeError, Row, Table};

/// What to do when some rows are bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImportMode {
    /// Import nothing unless every row is good.
    AllOrNothing,
    /// Import the good rows and report the bad ones.
    #[default]
    GoodRows,
    /// Check every row (new people are looked up in the registry) and report what an import
    /// of the good rows would do, writing nothing but the audit of the lookups: the preview a
    /// host shows before the user confirms.
    Preview,
}

/// A bad row: where, and why (in Danish, for the user). Never holds more of a CPR number than
/// its masked form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowError {
    /// The line in the file (1-based).
    pub line: usize,
    /// The column's Danish name.
    pub column: String,
    /// What is wrong, in Danish.
    pub reason_da: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Linje {}, {}: {}",
            self.line, self.column, self.reason_da
        )
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// New records created.
    pub imported: usize,
    /// Existing records changed.
    pub updated: usize,
    /// Rows that matched an existing record exactly.
    pub unchanged: usize,
    /// Bad rows, in line order.
    pub rejected: Vec<RowError>,
    /// Whether anything was written (false when all-or-nothing found a bad row, or when nothing
    /// changed).
    pub written: bool,
}

/// How far an import has come, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportProgress {
    /// Rows checked.
    Validated {
        /// Rows checked so far.
        done: usize,
        /// Rows in the file.
        total: usize,
    },
    /// People looked up in the CPR registry.
    LookedUp {
        /// Lookups done.
        done: usize,
        /// Lookups needed.
        total: usize,
    },
    /// The change set is being written.
    Writing,
}

/// The master data rows refer to, indexed by lower-cased name.
#[derive(Debug, Clone, Default)]
pub struct ImportCatalog {
    teams: HashMap<String, TeamId>,
    diets: HashMap<String, SpecialDietId>,
    stations: HashMap<String, WorkLocationId>,
    areas: HashMap<String, AreaId>,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl ImportCatalog {
    /// Indexes teams (by name and short name; names win over short names), special diets and
    /// work locations (by title), and areas (by name).
    pub fn new(
        teams: &[Team],
        diets: &[SpecialDiet],
        locations: &[WorkLocation],
        areas: &[Area],
    ) -> ImportCatalog {
        let mut c = ImportCatalog::default();
        for t in teams {
            c.teams.insert(key(t.short_name.as_str()), t.id);
        }
        for t in teams {
            c.teams.insert(key(t.name.as_str()), t.id);
        }
        c.diets = diets
            .iter()
            .map(|d| (key(d.title.as_str()), d.id))
            .collect();
        c.stations = locations
            .iter()
            .map(|l| (key(l.title.as_str()), l.id))
            .collect();
        c.areas = areas.iter().map(|a| (key(a.name.as_str()), a.id)).collect();
        c
    }
}

/// A good participant row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantInput {
    /// Its line.
    pub line: usize,
    /// CPR number.
    pub cpr: Cpr,
    /// Teams named (at least one).
    pub teams: BTreeSet<TeamId>,
    /// Mobile, when the cell is filled.
    pub mobile: Option<MobileNumber>,
    /// E-mail, when the cell is filled.
    pub email: Option<Email>,
    /// Special diets, when the cell is filled.
    pub special_diets: Option<BTreeSet<SpecialDietId>>,
    /// Preferred station, when the cell is filled.
    pub preferred_work_location: Option<WorkLocationId>,
}

/// A good work-location row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkLocationInput {
    /// Its line.
    pub line: usize,
    /// Title.
    pub title: Name,
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub postal_code: Option<PostalCode>,
    /// Town.
    pub city: String,
    /// Area.
    pub area: AreaId,
    /// The national afstemningsområde number.
    pub voting_area: Option<u32>,
}

/// Collects a row's errors.
struct Errors<'a> {
    row: &'a Row,
    out: &'a mut Vec<RowError>,
    any: bool,
}

impl Errors<'_> {
    fn add(&mut self, column: &Column, reason_da: impl Into<String>) {
        self.any = true;
        self.out.push(RowError {
            line: self.row.line,
            column: column.name_da.to_owned(),
            reason_da: reason_da.into(),
        });
    }

    fn field(&mut self, column: &Column, e: &FieldError) {
        self.add(column, e.reason_da.clone());
    }
}

fn cell(row: &Row, at: Option<usize>) -> &str {
    at.map_or("", |i| row.cell(i)).trim()
}

/// Splits a list cell on `|` or `,` — unless the whole cell is itself a known name.
fn split_list(cell: &str, known: impl Fn(&str) -> bool) -> Vec<&str> {
    if known(cell) {
        return vec![cell];
    }
    cell.split(['|', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses a CPR cell; a nine-digit number gets its leading zero back (Excel drops it when the
/// column is formatted as a number).
fn parse_cpr(s: &str) -> Result<Cpr, String> {
    let digits_only = s.bytes().all(|b| b.is_ascii_digit());
    let fixed = if digits_only && s.len() == 9 {
        format!("0{s}")
    } else {
        s.to_owned()
    };
    Cpr::parse(&fixed).map_err(|e| {
        let msg = e.message_da();
        let detail = msg.strip_prefix("CPR-nummer: ").unwrap_or(&msg).to_owned();
        format!("CPR-nummeret er ugyldigt: {detail}")
    })
}

/// Checks every participant row. Returns the good rows and an error for every problem in the
/// bad ones (a row can have several). Blank rows were already skipped by the reader. A CPR
/// number that appears twice makes the later rows errors, naming the first line.
pub fn validate_participants(
    table: &Table,
    catalog: &ImportCatalog,
) -> Result<(Vec<ParticipantInput>, Vec<RowError>), ExchangeError> {
    let [cpr_at, team_at, mobile_at, email_at, diets_at, station_at] =
        columns::locate(table, &columns::PARTICIPANT_COLUMNS)?;
    let mut good = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    let mut seen: HashMap<Cpr, usize> = HashMap::with_capacity(table.rows.len());
    for row in table.rows.iter().filter(|r| !r.is_blank()) {
        let mut e = Errors {
            row,
            out: &mut errors,
            any: false,
        };
        let cpr = match parse_cpr(cell(row, cpr_at)) {
            Ok(cpr) => match seen.get(&cpr) {
                Some(first) => {
                    e.add(
                        &columns::CPR,
                        format!(
                            "CPR-nummeret {} står også i linje {first}; hver person må kun stå én gang",
                            cpr.masked()
                        ),
                    );
                    None
                }
                None => {
                    seen.insert(cpr, row.line);
                    Some(cpr)
                }
            },
            Err(reason) => {
                e.add(&columns::CPR, reason);
                None
            }
        };
        let team_cell = cell(row, team_at);
        let mut teams = BTreeSet::new();
        if team_cell.is_empty() {
            e.add(
                &columns::TEAM,
                "feltet er tomt; skriv mindst ét team (navn eller forkortelse)",
            );
        }
        let team_names = split_list(team_cell, |s| catalog.teams.contains_key(&key(s)));
        if !team_cell.is_empty() && team_names.is_empty() {
            e.add(
                &columns::TEAM,
                "skriv mindst ét team (navn eller forkortelse)",
            );
        }
        for name in team_names {
            match catalog.teams.get(&key(name)) {
                Some(id) => {
                    teams.insert(*id);
                }
                None => e.add(&columns::TEAM, format!("ukendt team '{name}'")),
            }
        }
        let mobile = match cell(row, mobile_at) {
            "" => None,
            s => MobileNumber::parse(s)
                .map_err(|err| e.field(&columns::MOBILE, &err))
                .ok(),
        };
        let email = match cell(row, email_at) {
            "" => None,
            s => Email::parse(s)
                .map_err(|err| e.field(&columns::EMAIL, &err))
                .ok(),
        };
        let diet_cell = cell(row, diets_at);
        let diet_names = split_list(diet_cell, |s| catalog.diets.contains_key(&key(s)));
        let special_diets = if diet_names.is_empty() {
            None
        } else {
            let mut set = BTreeSet::new();
            for name in diet_names {
                match catalog.diets.get(&key(name)) {
                    Some(id) => {
                        set.insert(*id);
                    }
                    None => e.add(&columns::DIETS, format!("ukendt specialkost '{name}'")),
                }
            }
            Some(set)
        };
        let preferred_work_location = match cell(row, station_at) {
            "" => None,
            s => match catalog.stations.get(&key(s)) {
                Some(id) => Some(*id),
                None => {
                    e.add(&columns::STATION, format!("ukendt valgsted '{s}'"));
                    None
                }
            },
        };
        if let (false, Some(cpr)) = (e.any, cpr) {
            good.push(ParticipantInput {
                line: row.line,
                cpr,
                teams,
                mobile,
                email,
                special_diets,
                preferred_work_location,
            });
        }
    }
    Ok((good, errors))
}

/// Checks every work-location row. A title that appears twice makes the later rows errors.
pub fn validate_work_locations(
    table: &Table,
    catalog: &ImportCatalog,
) -> Result<(Vec<WorkLocationInput>, Vec<RowError>), ExchangeError> {
    let [title_at, street_at, postal_at, city_at, area_at, voting_at] =
        columns::locate(table, &columns::WORK_LOCATION_COLUMNS)?;
    let mut good = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in table.rows.iter().filter(|r| !r.is_blank()) {
        let mut e = Errors {
            row,
            out: &mut errors,
            any: false,
        };
        let title = match Name::parse_field(cell(row, title_at), "title", "titel") {
            Ok(t) => {
                match seen.get(&key(t.as_str())) {
                    Some(first) => {
                        e.add(
                        &columns::TITLE,
                        format!("'{t}' står også i linje {first}; hvert arbejdssted må kun stå én gang"),
                    );
                        None
                    }
                    None => {
                        seen.insert(key(t.as_str()), row.line);
                        Some(t)
                    }
                }
            }
            Err(err) => {
                e.field(&columns::TITLE, &err);
                None
            }
        };
        let street = cell(row, street_at).to_owned();
        if street.is_empty() {
            e.add(&columns::STREET, "feltet er tomt; skriv vej og husnummer");
        }
        let postal_code = match cell(row, postal_at) {
            "" => None,
            s => PostalCode::parse(s)
                .map_err(|err| e.field(&columns::POSTAL_CODE, &err))
                .ok(),
        };
        let city = cell(row, city_at).to_owned();
        if city.is_empty() {
            e.add(&columns::CITY, "feltet er tomt; skriv byen");
        }
        let area = match cell(row, area_at) {
            "" => {
                e.add(&columns::AREA, "feltet er tomt; skriv områdets navn");
                None
            }
            s => match catalog.areas.get(&key(s)) {
                Some(id) => Some(*id),
                None => {
                    e.add(&columns::AREA, format!("ukendt område '{s}'"));
                    None
                }
            },
        };
        let voting_area = match cell(row, voting_at) {
            "" => None,
            s => match s.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    e.add(
                        &columns::VOTING_AREA,
                        format!("'{s}' er ikke et nummer; skriv afstemningsområdets nummer fra Valg Central"),
                    );
                    None
                }
            },
        };
        if let (false, Some(title), Some(area)) = (e.any, title, area) {
            good.push(WorkLocationInput {
                line: row.line,
                title,
                street,
                postal_code,
                city,
                area,
                voting_area,
            });
        }
    }
    Ok((good, errors))
}
