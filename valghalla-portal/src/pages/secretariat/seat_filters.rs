//! The row filter of the secretariat's seat lists (the overview, the participant list and its
//! download): area, station, team, task type, date and seat state read from the URL's query,
//! each value checked against what the election has, so a bookmark or a hand-edited link with a
//! value that is not there gets a Danish message at its field instead of an error page. The
//! filtering itself is the core's ([`SeatFilter`]). A leaf below the secretariat's pages.

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;
use valghalla::core::model::{Election, SeatStatus};
use valghalla::core::service::SeatFilter;

use crate::state::Tenant;
use crate::web::views::da_date;
use crate::web::{AppError, Choice, FormData, FormErrors, Me};

/// A seat state's key in a query (`status=ledig`) and its Danish name.
const STATUSES: [(SeatStatus, &str, &str); 3] = [
    (SeatStatus::Vacant, "ledig", "Ledig"),
    (SeatStatus::Invited, "inviteret", "Ubesvaret"),
    (SeatStatus::Accepted, "accepteret", "Accepteret"),
];

/// One filter field: its name (also the element's id) and label, and its options.
pub struct FilterField {
    /// The query name and the element's id.
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// What "no criterion" is called (`Alle områder`).
    pub all: &'static str,
    /// The options, the asked ones selected.
    pub choices: Vec<Choice>,
}

/// The filter fields of a list, as `seat_filters.html` shows them.
pub struct FilterForm {
    /// The fields in the order shown.
    pub fields: Vec<FilterField>,
}

/// Which states a list can be filtered by: a participant list has no vacant seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum States {
    /// Vacant, invited and accepted.
    All,
    /// Invited and accepted (seats someone holds).
    Held,
}

/// Reads the values of `field` that are among `choices` (by value) into a set, marking them
/// selected; any other value is an error at the field, saying `what` to pick.
fn pick<T: FromStr + Ord>(
    form: &FormData,
    field: &'static str,
    choices: &mut [Choice],
    what: &str,
    errors: &mut FormErrors,
) -> BTreeSet<T> {
    let mut out = BTreeSet::new();
    for v in form.all(field).into_iter().filter(|v| !v.is_empty()) {
        match (choices.iter_mut().find(|c| c.value == v), v.parse::<T>()) {
            (Some(c), Ok(id)) => {
                c.selected = true;
                out.insert(id);
            }
            _ => errors.add(
                field,
                format!("Vælg {what} fra listen, eller «Alle» for ikke at filtrere på det."),
            ),
        }
    }
    out
}

/// The dates asked for (`dato=åååå-mm-dd`), each a day of the election's period.
fn pick_dates(
    form: &FormData,
    e: &Election,
    choices: &mut [Choice],
    errors: &mut FormErrors,
) -> BTreeSet<NaiveDate> {
    let mut out = BTreeSet::new();
    for v in form.all("dato").into_iter().filter(|v| !v.is_empty()) {
        let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") else {
            errors.add(
                "dato",
                "Datoen skal skrives åååå-mm-dd (fx 2026-11-17), eller vælg «Alle datoer».",
            );
            continue;
        };
        match choices.iter_mut().find(|c| c.value == d.to_string()) {
            Some(c) => {
                c.selected = true;
                out.insert(d);
            }
            None => {
                let days: Vec<NaiveDate> = e.working_period().days().collect();
                let span = match (days.first(), days.last()) {
                    (Some(a), Some(b)) => format!(" ({}–{})", da_date(*a), da_date(*b)),
                    _ => String::new(),
                };
                errors.add(
                    "dato",
                    format!(
                        "{} er ikke en dag i valgets periode{span}. Vælg en dag fra listen.",
                        da_date(d)
                    ),
                );
            }
        }
    }
    out
}

fn choices<T>(
    items: &[T],
    value: impl Fn(&T) -> String,
    label: impl Fn(&T) -> String,
) -> Vec<Choice> {
    items
        .iter()
        .map(|i| Choice {
            value: value(i),
            label: label(i),
            selected: false,
        })
        .collect()
}

/// The filter `form` asks for on a list of election `e`'s seats, and its fields to show back;
/// a value the election does not have is an error at its field (and filters nothing).
pub async fn seat_filter(
    state: &Tenant,
    me: &Me,
    e: &Election,
    form: &FormData,
    states: States,
    errors: &mut FormErrors,
) -> Result<(SeatFilter, FilterForm), AppError> {
    let actor = &me.0.actor;
    let stations: Vec<_> = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .filter(|l| e.work_locations.contains(&l.id))
        .collect();
    let areas: Vec<_> = state
        .svc
        .areas(actor)
        .await?
        .into_iter()
        .filter(|a| stations.iter().any(|l| l.area == a.id))
        .collect();
    let teams = state.svc.teams(actor).await?;
    let task_types = state.svc.task_types(actor).await?;
    let mut area_choices = choices(&areas, |a| a.id.to_string(), |a| a.name.to_string());
    let mut station_choices = choices(&stations, |l| l.id.to_string(), |l| l.title.to_string());
    let mut team_choices = choices(&teams, |t| t.id.to_string(), |t| t.name.to_string());
    let mut task_type_choices = choices(&task_types, |t| t.id.to_string(), |t| t.title.to_string());
    let days: Vec<NaiveDate> = e.working_period().days().collect();
    let mut date_choices = choices(&days, NaiveDate::to_string, |d| da_date(*d));
    let offered: Vec<_> = STATUSES
        .iter()
        .filter(|(s, _, _)| states == States::All || *s != SeatStatus::Vacant)
        .collect();
    let mut status_choices = choices(&offered, |s| s.1.to_owned(), |s| s.2.to_owned());
    let filter = SeatFilter {
        areas: pick(form, "omraade", &mut area_choices, "et område", errors),
        work_locations: pick(
            form,
            "valgsted",
            &mut station_choices,
            "et valgsted",
            errors,
        ),
        teams: pick(form, "team", &mut team_choices, "et team", errors),
        task_types: pick(
            form,
            "opgavetype",
            &mut task_type_choices,
            "en opgavetype",
            errors,
        ),
        dates: pick_dates(form, e, &mut date_choices, errors),
        statuses: {
            let keys: BTreeSet<String> =
                pick(form, "status", &mut status_choices, "en status", errors);
            STATUSES
                .iter()
                .filter(|(_, k, _)| keys.contains(*k))
                .map(|(s, _, _)| *s)
                .collect()
        },
    };
    let field = |name, label, all, choices| FilterField {
        name,
        label,
        all,
        choices,
    };
    let fields = vec![
        field("omraade", "Område", "Alle områder", area_choices),
        field("valgsted", "Valgsted", "Alle valgsteder", station_choices),
        field("team", "Team", "Alle teams", team_choices),
        field(
            "opgavetype",
            "Opgavetype",
            "Alle opgavetyper",
            task_type_choices,
        ),
        field("dato", "Dato", "Alle datoer", date_choices),
        field("status", "Status", "Alle", status_choices),
    ];
    Ok((filter, FilterForm { fields }))
}
