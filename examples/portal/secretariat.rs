//! The election secretariat: elections (wizard, duplication, activation), the staffing
//! overview, the seat distribution grid, a station's seats and their holders, the participant
//! list, participants, master data, links and the audit log.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use valghalla::core::DanishMessage;
use valghalla::core::exchange::ListColumn;
use valghalla::core::ids::{
    AreaId, ElectionId, ElectionTypeId, LinkId, ParticipantId, SeatId, SpecialDietId, TaskTypeId,
    TeamId, WorkLocationId,
};
use valghalla::core::model::{
    Contact, ElectionType, LinkKind, SeatStatus, SlotKey, TeamKind, Trust, VacancyFilter,
};
use valghalla::core::rules::access::Permission;
use valghalla::core::rules::lifecycle::Answer;
use valghalla::core::service::{
    AreaDraft, ElectionDraft, NewParticipant, OverviewFilter, ParticipantFilter, SpecialDietDraft,
    TaskTypeDraft, TeamDraft, WorkLocationDraft,
};
use valghalla::core::store::AuditFilter;
use valghalla::core::time::DailyWindow;
use valghalla::core::values::Ore;
use valghalla::core::{Cpr, Email, MobileNumber};

use crate::web::{
    AppError, FormData, FormErrors, Layout, Me, Shared, contact_values, da_date, done, render,
    require, short_date, status_class, status_da,
};

// ---------------------------------------------------------------- shared bits

/// Counts as the templates show them.
#[derive(Debug, Clone, Default)]
pub struct CountsView {
    /// Seats.
    pub seats: u32,
    /// Vacant.
    pub vacant: u32,
    /// Invited.
    pub invited: u32,
    /// Accepted.
    pub accepted: u32,
}

impl From<valghalla::core::service::Counts> for CountsView {
    fn from(c: valghalla::core::service::Counts) -> Self {
        CountsView {
            seats: c.seats,
            vacant: c.vacant,
            invited: c.invited,
            accepted: c.accepted,
        }
    }
}

/// An option of a `<select>` or a checkbox.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its value.
    pub value: String,
    /// Its text.
    pub label: String,
    /// Whether it is selected.
    pub selected: bool,
}

/// A slot as a hidden form value: `election|location|task type|team|date`.
pub fn slot_value(s: &SlotKey) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        s.election, s.work_location, s.task_type, s.team, s.date
    )
}

/// Parses [`slot_value`].
pub fn parse_slot(v: &str) -> Result<SlotKey, AppError> {
    let parts: Vec<&str> = v.split('|').collect();
    let [e, l, t, team, d] = parts.as_slice() else {
        return Err(AppError::BadRequest);
    };
    let bad = |_| AppError::BadRequest;
    Ok(SlotKey {
        election: e.parse().map_err(bad)?,
        work_location: l.parse().map_err(bad)?,
        task_type: t.parse().map_err(bad)?,
        team: team.parse().map_err(bad)?,
        date: d.parse().map_err(|_| AppError::BadRequest)?,
    })
}

/// Contact details from a form (`mobil`, `email`); errors go next to the fields.
pub fn parse_contact(form: &FormData, errors: &mut FormErrors) -> Contact {
    let mobile = match form.get("mobil") {
        "" => None,
        m => match MobileNumber::parse(m) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.add("mobil", e.message_da());
                None
            }
        },
    };
    let email = match form.get("email") {
        "" => None,
        m => match Email::parse(m) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.add("email", e.message_da());
                None
            }
        },
    };
    Contact { mobile, email }
}

fn parse_date(form: &FormData, field: &str, errors: &mut FormErrors) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(form.get(field), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "Angiv en dato (åååå-mm-dd).");
            None
        }
    }
}

async fn diet_choices(
    state: &Shared,
    me: &Me,
    chosen: &BTreeSet<SpecialDietId>,
) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .svc
        .special_diets(&me.0.actor)
        .await?
        .into_iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: d.title.to_string(),
            selected: chosen.contains(&d.id),
        })
        .collect())
}

async fn team_choices(
    state: &Shared,
    me: &Me,
    chosen: &BTreeSet<TeamId>,
) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .svc
        .teams(&me.0.actor)
        .await?
        .into_iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: t.name.to_string(),
            selected: chosen.contains(&t.id),
        })
        .collect())
}

// ---------------------------------------------------------------- elections

/// An election in the list.
#[derive(Debug, Clone)]
pub struct ElectionRow {
    id: ElectionId,
    title: String,
    day: String,
    active: bool,
    period: String,
}

#[derive(Template)]
#[template(path = "sekretariat/valg.html")]
struct ElectionsPage {
    layout: Layout,
    elections: Vec<ElectionRow>,
    admin: bool,
    form: ElectionForm,
    errors: FormErrors,
}

/// The election wizard's fields.
#[derive(Debug, Clone, Default)]
pub struct ElectionForm {
    title: String,
    types: Vec<Choice>,
    day: String,
    first: String,
    last: String,
    lock: String,
    locations: Vec<Choice>,
}

async fn election_rows(state: &Shared, me: &Me) -> Result<Vec<ElectionRow>, AppError> {
    Ok(state
        .svc
        .elections(&me.0.actor)
        .await?
        .into_iter()
        .map(|e| ElectionRow {
            id: e.id,
            title: e.title.to_string(),
            day: da_date(e.election_day()),
            active: e.active,
            period: format!(
                "{} – {}",
                short_date(e.working_period().first()),
                short_date(e.working_period().last())
            ),
        })
        .collect())
}

async fn election_form(
    state: &Shared,
    me: &Me,
    form: Option<&FormData>,
) -> Result<ElectionForm, AppError> {
    let types: Vec<ElectionType> = state.svc.election_types(&me.0.actor).await?;
    let chosen_type = form.map(|f| f.get("valgtype").to_owned());
    let chosen_locs: Option<BTreeSet<String>> =
        form.map(|f| f.all("valgsted").into_iter().map(str::to_owned).collect());
    Ok(ElectionForm {
        title: form.map(|f| f.get("titel").to_owned()).unwrap_or_default(),
        types: types
            .iter()
            .map(|t| Choice {
                value: t.id.to_string(),
                label: t.title.to_string(),
                selected: chosen_type.as_deref() == Some(t.id.to_string().as_str()),
            })
            .collect(),
        day: form
            .map(|f| f.get("valgdag").to_owned())
            .unwrap_or_default(),
        first: form
            .map(|f| f.get("foerste_dag").to_owned())
            .unwrap_or_default(),
        last: form
            .map(|f| f.get("sidste_dag").to_owned())
            .unwrap_or_default(),
        lock: form
            .map(|f| f.get("laaseperiode").to_owned())
            .unwrap_or_else(|| "4".into()),
        locations: state
            .svc
            .work_locations(&me.0.actor)
            .await?
            .into_iter()
            .map(|l| Choice {
                selected: chosen_locs
                    .as_ref()
                    .is_none_or(|c| c.contains(&l.id.to_string())),
                value: l.id.to_string(),
                label: l.title.to_string(),
            })
            .collect(),
    })
}

/// GET /sekretariat: the elections and the wizard to create one.
pub async fn elections(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    let page = ElectionsPage {
        elections: election_rows(&state, &me).await?,
        admin: me.0.is_admin(),
        form: election_form(&state, &me, None).await?,
        errors: FormErrors::none(),
        layout: me.0.layout("Valg"),
    };
    render(&page)
}

/// POST /sekretariat/valg: creates an election (inactive).
pub async fn create_election(
    State(state): State<Shared>,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageElections)?;
    let mut errors = FormErrors::none();
    let election_type: Option<ElectionTypeId> = form.get("valgtype").parse().ok();
    if election_type.is_none() {
        errors.add("valgtype", "Vælg en valgtype.");
    }
    let day = parse_date(&form, "valgdag", &mut errors);
    let first = parse_date(&form, "foerste_dag", &mut errors);
    let last = parse_date(&form, "sidste_dag", &mut errors);
    let lock: Option<u16> = form.get("laaseperiode").parse().ok();
    if lock.is_none() {
        errors.add(
            "laaseperiode",
            "Angiv låseperioden som et helt antal dage (0–365).",
        );
    }
    let locations: BTreeSet<WorkLocationId> = form.parse_all("valgsted")?;
    if let (true, Some(t), Some(day), Some(first), Some(last), Some(lock)) =
        (errors.is_empty(), election_type, day, first, last, lock)
    {
        let draft = ElectionDraft {
            title: form.get("titel").to_owned(),
            election_type: t,
            election_day: day,
            first_day: first,
            last_day: last,
            lock_period_days: lock,
            work_locations: locations,
        };
        match state.svc.create_election(&me.0.actor, draft).await {
            Ok(e) => {
                let to = format!("/sekretariat/valg/{}/oversigt", e.id);
                return Ok(done(&state, &me.0, &to, "Valget er oprettet (inaktivt).").await);
            }
            Err(valghalla::Error::Invalid(f)) => {
                let id = match f.field {
                    "title" => "titel",
                    "election day" => "valgdag",
                    _ => "foerste_dag",
                };
                errors.add(id, f.message_da());
            }
            Err(e @ valghalla::Error::Conflict(_)) => errors.add("titel", e.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    let page = ElectionsPage {
        elections: election_rows(&state, &me).await?,
        admin: me.0.is_admin(),
        form: election_form(&state, &me, Some(&form)).await?,
        errors,
        layout: me.0.layout("Valg"),
    };
    render(&page)
}

/// POST /sekretariat/valg/{id}/dupliker: duplicates an election to a new election day.
pub async fn duplicate_election(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let day = NaiveDate::parse_from_str(form.get("valgdag"), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest)?;
    let e = state
        .svc
        .duplicate_election(&me.0.actor, id, form.get("titel"), day)
        .await?;
    let to = format!("/sekretariat/valg/{}/oversigt", e.id);
    Ok(done(
        &state,
        &me.0,
        &to,
        "Valget er duplikeret med ledige pladser.",
    )
    .await)
}

/// POST /sekretariat/valg/{id}/aktiv: activates or deactivates.
pub async fn set_active(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ElectionId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let active = form.get("aktiv") == "1";
    state
        .svc
        .set_election_active(&me.0.actor, id, active)
        .await?;
    let msg = if active {
        "Valget er aktiveret."
    } else {
        "Valget er deaktiveret."
    };
    Ok(done(&state, &me.0, "/sekretariat", msg).await)
}

// ---------------------------------------------------------------- overview

/// Overview filters.
#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    dato: Option<String>,
    team: Option<String>,
    omraade: Option<String>,
}

/// Above this many rows the overview shows station totals, and the rows area by area.
const DETAIL_ROWS: usize = 600;

struct OvRow {
    task_type: String,
    team: String,
    date: String,
    counts: CountsView,
}

struct OvLocation {
    id: WorkLocationId,
    title: String,
    rows: Vec<OvRow>,
    totals: CountsView,
}

struct OvArea {
    id: AreaId,
    detailed: bool,
    name: String,
    locations: Vec<OvLocation>,
    totals: CountsView,
}

struct OvShare {
    name: String,
    counts: CountsView,
    share: String,
    filled: String,
}

#[derive(Template)]
#[template(path = "sekretariat/oversigt.html")]
struct OverviewPage {
    layout: Layout,
    content: Arc<(String, String)>,
}

#[derive(Template)]
#[template(path = "sekretariat/oversigt_indhold.html")]
struct OverviewContent {
    area_choices: Vec<Choice>,
    all_detailed: bool,
    computed_at: String,
    election: ElectionId,
    election_title: String,
    areas: Vec<OvArea>,
    totals: CountsView,
    shares: Vec<OvShare>,
    dates: Vec<Choice>,
    teams: Vec<Choice>,
    stations: Vec<Choice>,
    admin: bool,
}

fn permille(p: u32) -> String {
    format!("{},{} %", p / 10, p % 10)
}

/// GET /sekretariat/valg/{id}/oversigt: the staffing overview.
pub async fn overview(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ElectionId>,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    // Authorized through the core's policy on every request, cached or not.
    require(&me.0.actor, Permission::ReadOverview)?;
    let date: Option<NaiveDate> = q.dato.as_deref().and_then(|d| d.parse().ok());
    let team: Option<TeamId> = q.team.as_deref().and_then(|t| t.parse().ok());
    let area: Option<AreaId> = q.omraade.as_deref().and_then(|a| a.parse().ok());
    let admin = me.0.is_admin();
    let key = format!("oversigt|{id}|{date:?}|{team:?}|{area:?}|{admin}");
    let content = state
        .cache
        .get_or_render(key, || overview_content(&state, &me, id, date, team, area))
        .await?;
    let page = OverviewPage {
        layout: me.0.layout(content.0.clone()),
        content,
    };
    render(&page)
}

/// The overview's content (title, HTML), as every viewer with the same role sees it.
async fn overview_content(
    state: &Shared,
    me: &Me,
    id: ElectionId,
    date: Option<NaiveDate>,
    team: Option<TeamId>,
    area: Option<AreaId>,
) -> Result<(String, String), AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let filter = OverviewFilter {
        dates: date.into_iter().collect(),
        teams: team.into_iter().collect(),
    };
    let ov = state.svc.overview(actor, id, &filter).await?;
    let rows: usize = ov
        .areas
        .iter()
        .flat_map(|a| &a.locations)
        .map(|l| l.rows.len())
        .sum();
    let all_detailed = rows <= DETAIL_ROWS;
    let area_choices: Vec<Choice> = ov
        .areas
        .iter()
        .map(|a| Choice {
            value: a.area.to_string(),
            label: a.name.clone(),
            selected: Some(a.area) == area,
        })
        .collect();
    let areas = ov
        .areas
        .into_iter()
        .filter(|a| area.is_none_or(|x| x == a.area))
        .map(|a| OvArea {
            id: a.area,
            detailed: all_detailed || area.is_some(),
            name: a.name,
            totals: a.totals.into(),
            locations: a
                .locations
                .into_iter()
                .map(|l| OvLocation {
                    id: l.work_location,
                    title: l.title,
                    totals: l.totals.into(),
                    rows: l
                        .rows
                        .into_iter()
                        .map(|r| OvRow {
                            task_type: r.task_type_title,
                            team: r.team_name,
                            date: short_date(r.date),
                            counts: r.counts.into(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let shares = ov
        .shares
        .into_iter()
        .map(|s| OvShare {
            name: s.name,
            counts: s.counts.into(),
            share: permille(s.share_permille),
            filled: permille(s.filled_permille),
        })
        .collect();
    let dates = e
        .working_period()
        .days()
        .map(|d| Choice {
            value: d.to_string(),
            label: da_date(d),
            selected: Some(d) == date,
        })
        .collect();
    let teams = team_choices(state, me, &team.into_iter().collect()).await?;
    let stations = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .filter(|l| e.work_locations.contains(&l.id))
        .map(|l| Choice {
            value: l.id.to_string(),
            label: l.title.to_string(),
            selected: false,
        })
        .collect();
    let content = OverviewContent {
        area_choices,
        all_detailed,
        computed_at: chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Copenhagen)
            .format("%H:%M:%S")
            .to_string(),
        stations,
        admin: me.0.is_admin(),
        election: id,
        election_title: e.title.to_string(),
        areas,
        totals: ov.totals.into(),
        shares,
        dates,
        teams,
    };
    Ok((format!("Oversigt – {}", e.title), content.render()?))
}

// ---------------------------------------------------------------- distribution grid

struct GridCell {
    name: String,
    label: String,
    value: String,
    error: Option<String>,
}

struct GridRow {
    team: String,
    cells: Vec<GridCell>,
}

struct GridDay {
    label: String,
    rows: Vec<GridRow>,
}

#[derive(Template)]
#[template(path = "sekretariat/fordeling.html")]
struct GridPage {
    layout: Layout,
    election: ElectionId,
    election_title: String,
    location: WorkLocationId,
    location_title: String,
    task_types: Vec<String>,
    days: Vec<GridDay>,
    errors: FormErrors,
    warnings: Vec<String>,
    council: Option<crate::distribution::CouncilForm>,
}

fn cell_name(date: NaiveDate, team: TeamId, tt: TaskTypeId) -> String {
    format!("n_{date}_{team}_{tt}")
}

async fn grid_page(
    state: &Shared,
    me: &Me,
    election: ElectionId,
    location: WorkLocationId,
    posted: Option<&FormData>,
    errors: FormErrors,
    warnings: Vec<String>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, election).await?;
    let loc = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .find(|l| l.id == location)
        .ok_or(AppError::NotFound)?;
    let teams: Vec<_> = state
        .svc
        .teams(actor)
        .await?
        .into_iter()
        .filter(|t| loc.teams.contains(&t.id))
        .collect();
    let task_types: Vec<_> = state
        .svc
        .task_types(actor)
        .await?
        .into_iter()
        .filter(|t| loc.task_types.contains(&t.id))
        .collect();
    let ov = state
        .svc
        .overview(actor, election, &OverviewFilter::default())
        .await?;
    let mut current: BTreeMap<(NaiveDate, TeamId, TaskTypeId), u32> = BTreeMap::new();
    for r in ov
        .areas
        .iter()
        .flat_map(|a| &a.locations)
        .filter(|l| l.work_location == location)
        .flat_map(|l| &l.rows)
    {
        current.insert((r.date, r.team, r.task_type), r.counts.seats);
    }
    let days = e
        .working_period()
        .days()
        .map(|d| GridDay {
            label: da_date(d),
            rows: teams
                .iter()
                .map(|t| GridRow {
                    team: t.name.to_string(),
                    cells: task_types
                        .iter()
                        .map(|tt| {
                            let name = cell_name(d, t.id, tt.id);
                            let value = match posted {
                                Some(f) => f.get(&name).to_owned(),
                                None => current
                                    .get(&(d, t.id, tt.id))
                                    .copied()
                                    .unwrap_or(0)
                                    .to_string(),
                            };
                            GridCell {
                                error: errors.get(&name).map(str::to_owned),
                                label: format!("{}, {}, {}", t.name, tt.title, short_date(d)),
                                name,
                                value,
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let council = crate::distribution::grid_form(state, me, election, location).await?;
    let page = GridPage {
        council,
        layout: me.0.layout(format!("Fordeling – {}", loc.title)),
        election,
        election_title: e.title.to_string(),
        location,
        location_title: loc.title.to_string(),
        task_types: task_types.iter().map(|t| t.title.to_string()).collect(),
        days,
        errors,
        warnings,
    };
    render(&page)
}

/// GET /sekretariat/valg/{id}/fordeling/{location}: the seat grid.
pub async fn grid(
    State(state): State<Shared>,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
) -> Result<Response, AppError> {
    grid_page(
        &state,
        &me,
        election,
        location,
        None,
        FormErrors::none(),
        vec![],
    )
    .await
}

/// POST /sekretariat/valg/{id}/fordeling/{location}: saves the whole grid in one change.
pub async fn save_grid(
    State(state): State<Shared>,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::none();
    let mut cells = Vec::new();
    for (name, value) in &form.0 {
        let Some(rest) = name.strip_prefix("n_") else {
            continue;
        };
        let parts: Vec<&str> = rest.split('_').collect();
        let [d, team, tt] = parts.as_slice() else {
            return Err(AppError::BadRequest);
        };
        let (Ok(d), Ok(team), Ok(tt)) = (
            d.parse::<NaiveDate>(),
            team.parse::<TeamId>(),
            tt.parse::<TaskTypeId>(),
        ) else {
            return Err(AppError::BadRequest);
        };
        match value.trim().parse::<u32>() {
            Ok(n) if n <= 500 => cells.push((d, team, tt, n)),
            _ => errors.add(name, "Antal pladser: angiv et helt tal fra 0 til 500."),
        }
    }
    if !errors.is_empty() {
        return grid_page(&state, &me, election, location, Some(&form), errors, vec![]).await;
    }
    match state
        .svc
        .set_seat_counts(&me.0.actor, election, location, &cells)
        .await
    {
        Ok(reports) => {
            let kept: u32 = reports.iter().map(|r| r.kept_taken).sum();
            if kept > 0 {
                let w = format!(
                    "{kept} plads(er) blev ikke fjernet, fordi nogen er inviteret til eller har accepteret dem. Fjern personerne først, hvis pladserne skal væk."
                );
                grid_page(
                    &state,
                    &me,
                    election,
                    location,
                    None,
                    FormErrors::none(),
                    vec![w],
                )
                .await
            } else {
                let to = format!("/sekretariat/valg/{election}/fordeling/{location}");
                Ok(done(&state, &me.0, &to, "Fordelingen er gemt.").await)
            }
        }
        Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Invalid(_))) => {
            let errors = FormErrors::from_service("fordeling", &e);
            grid_page(&state, &me, election, location, Some(&form), errors, vec![]).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- a station's seats

struct SeatView {
    id: SeatId,
    task_type: String,
    team: String,
    date: String,
    status: &'static str,
    class: &'static str,
    vacant: bool,
    invited: bool,
    holder: Option<(ParticipantId, String)>,
    members: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "sekretariat/valgsted.html")]
struct StationPage {
    layout: Layout,
    election_title: String,
    location_title: String,
    admin: bool,
    seats: Vec<SeatView>,
    back_field: String,
}

/// GET /sekretariat/valg/{id}/valgsted/{location}: every seat at a station and its holder.
pub async fn station(
    State(state): State<Shared>,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, election).await?;
    let ov = state
        .svc
        .overview(actor, election, &OverviewFilter::default())
        .await?;
    let loc = ov
        .areas
        .iter()
        .flat_map(|a| &a.locations)
        .find(|l| l.work_location == location)
        .cloned();
    let holders: BTreeMap<SeatId, (ParticipantId, String)> = state
        .svc
        .participant_list(
            actor,
            election,
            &ParticipantFilter {
                work_locations: [location].into(),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|r| (r.seat, (r.participant, r.name)))
        .collect();
    let admin = me.0.is_admin();
    let mut members: BTreeMap<TeamId, Vec<Choice>> = BTreeMap::new();
    let mut seats = Vec::new();
    let title = loc.as_ref().map(|l| l.title.clone()).unwrap_or_default();
    for row in loc.map(|l| l.rows).unwrap_or_default() {
        let slot = SlotKey {
            election,
            work_location: location,
            task_type: row.task_type,
            team: row.team,
            date: row.date,
        };
        if admin && !members.contains_key(&row.team) {
            let list = state
                .svc
                .team_members(actor, row.team)
                .await?
                .into_iter()
                .map(|m| Choice {
                    value: m.participant.to_string(),
                    label: m.name,
                    selected: false,
                })
                .collect();
            members.insert(row.team, list);
        }
        for s in state.svc.slot_seats(actor, slot).await? {
            let status = s.state.status();
            seats.push(SeatView {
                id: s.id,
                task_type: row.task_type_title.clone(),
                team: row.team_name.clone(),
                date: short_date(row.date),
                status: status_da(status),
                class: status_class(status),
                vacant: status == SeatStatus::Vacant,
                invited: status == SeatStatus::Invited,
                holder: holders.get(&s.id).cloned(),
                members: if status == SeatStatus::Vacant {
                    members.get(&row.team).cloned().unwrap_or_default()
                } else {
                    vec![]
                },
            });
        }
    }
    let page = StationPage {
        layout: me.0.layout(format!("Pladser – {title}")),
        election_title: e.title.to_string(),
        location_title: title,
        admin,
        seats,
        back_field: format!(
            r#"<input type="hidden" name="tilbage" value="/sekretariat/valg/{election}/valgsted/{location}">"#
        ),
    };
    render(&page)
}

fn back(form: &FormData) -> String {
    let b = form.get("tilbage");
    if b.starts_with("/sekretariat/") && !b.contains("//") {
        b.to_owned()
    } else {
        "/sekretariat".to_owned()
    }
}

/// POST /sekretariat/pladser/{seat}/inviter: invites a participant.
pub async fn invite(
    State(state): State<Shared>,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let p: ParticipantId = form.parse("deltager")?;
    state.svc.invite(&me.0.actor, seat, p).await?;
    Ok(done(&state, &me.0, &back(&form), "Invitationen er sendt.").await)
}

/// POST /sekretariat/pladser/{seat}/svar: answers on the holder's behalf.
pub async fn answer(
    State(state): State<Shared>,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let answer = match form.get("svar") {
        "ja" => Answer::Accept,
        "nej" => Answer::Decline,
        _ => return Err(AppError::BadRequest),
    };
    state
        .svc
        .answer_on_behalf(&me.0.actor, seat, answer, None)
        .await?;
    Ok(done(&state, &me.0, &back(&form), "Svaret er registreret.").await)
}

/// POST /sekretariat/pladser/{seat}/fjern: removes the holder.
pub async fn remove(
    State(state): State<Shared>,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    state.svc.remove_from_seat(&me.0.actor, seat).await?;
    Ok(done(
        &state,
        &me.0,
        &back(&form),
        "Personen er fjernet fra pladsen.",
    )
    .await)
}

/// POST /sekretariat/pladser/{seat}/link: makes a link to one seat.
pub async fn seat_link(
    State(state): State<Shared>,
    me: Me,
    Path(seat): Path<SeatId>,
) -> Result<Response, AppError> {
    state
        .svc
        .create_link(&me.0.actor, LinkKind::Seat { seat })
        .await?;
    Ok(done(
        &state,
        &me.0,
        "/sekretariat/links",
        "Linket til pladsen er oprettet.",
    )
    .await)
}

// ---------------------------------------------------------------- participant list

#[derive(Template)]
#[template(path = "sekretariat/deltagerliste.html")]
struct ListPage {
    layout: Layout,
    election: ElectionId,
    can_export: bool,
    can_cpr: bool,
    xlsx: bool,
    election_title: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    columns: Vec<Choice>,
}

/// The columns shown when none are chosen.
const DEFAULT_COLUMNS: [ListColumn; 10] = [
    ListColumn::Name,
    ListColumn::Age,
    ListColumn::Mobile,
    ListColumn::Email,
    ListColumn::SpecialDiets,
    ListColumn::Team,
    ListColumn::WorkLocation,
    ListColumn::TaskType,
    ListColumn::Date,
    ListColumn::Status,
];

/// GET /sekretariat/valg/{id}/deltagerliste?kolonne=…: everyone in a seat with the chosen
/// columns, printable. Full CPR numbers only for those allowed to see them (the core decides).
pub async fn participant_list(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ElectionId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, id).await?;
    let q: FormData =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let chosen = chosen_columns(&q);
    let can_export = require(actor, Permission::ExportLists).is_ok();
    let table = if can_export {
        state
            .svc
            .export_participant_list(actor, id, &ParticipantFilter::default(), &chosen)
            .await?
    } else {
        // Readers may see the list but not export it, and never full CPR numbers.
        let without_cpr: Vec<ListColumn> = chosen
            .iter()
            .copied()
            .filter(|c| *c != ListColumn::Cpr)
            .collect();
        let rows = state
            .svc
            .participant_list(actor, id, &ParticipantFilter::default())
            .await?;
        valghalla::core::exchange::list_table(&rows, &without_cpr, &Default::default())
    };
    let page = ListPage {
        layout: me.0.layout(format!("Deltagerliste – {}", e.title)),
        election: id,
        can_export,
        can_cpr: require(actor, Permission::ReadFullCpr).is_ok(),
        xlsx: crate::exports::XLSX,
        election_title: e.title.to_string(),
        headers: table.headers,
        rows: table.rows.into_iter().map(|r| r.cells).collect(),
        columns: ListColumn::ALL
            .into_iter()
            .map(|c| Choice {
                value: column_key(c),
                label: c.header_da().to_owned(),
                selected: chosen.contains(&c),
            })
            .collect(),
    };
    render(&page)
}

fn column_key(c: ListColumn) -> String {
    format!("{c:?}").to_lowercase()
}

/// The participant list's columns a query (`kolonne=…`) chooses, in the usual order; the
/// default columns when it chooses none.
pub fn chosen_columns(q: &FormData) -> Vec<ListColumn> {
    let wanted = q.all("kolonne");
    let picked: Vec<ListColumn> = ListColumn::ALL
        .into_iter()
        .filter(|c| wanted.contains(&column_key(*c).as_str()))
        .collect();
    if picked.is_empty() {
        DEFAULT_COLUMNS.to_vec()
    } else {
        picked
    }
}

// ---------------------------------------------------------------- participants

/// `?q=` search.
#[derive(Debug, Deserialize)]
pub struct Search {
    q: Option<String>,
}

struct PersonRow {
    id: ParticipantId,
    name: String,
    birth: String,
    teams: String,
    mobile: String,
    email: String,
}

#[derive(Template)]
#[template(path = "sekretariat/deltagere.html")]
struct PeoplePage {
    layout: Layout,
    q: String,
    people: Vec<PersonRow>,
    admin: bool,
    can_export: bool,
    xlsx: bool,
}

/// GET /sekretariat/deltagere: search participants by name.
pub async fn participants(
    State(state): State<Shared>,
    me: Me,
    Query(s): Query<Search>,
) -> Result<Response, AppError> {
    let q = s.q.unwrap_or_default();
    let people = state
        .svc
        .search_participants(&me.0.actor, &q, 200)
        .await?
        .into_iter()
        .map(|p| PersonRow {
            id: p.id,
            name: p.name,
            birth: short_date(p.birth_date),
            teams: p.teams.join(", "),
            mobile: p.mobile.unwrap_or_default(),
            email: p.email.unwrap_or_default(),
        })
        .collect();
    let page = PeoplePage {
        layout: me.0.layout("Deltagere"),
        q,
        people,
        admin: me.0.is_admin(),
        can_export: require(&me.0.actor, Permission::ExportLists).is_ok()
            && require(&me.0.actor, Permission::ReadFullCpr).is_ok(),
        xlsx: crate::exports::XLSX,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "sekretariat/deltager_ny.html")]
struct NewPersonPage {
    layout: Layout,
    errors: FormErrors,
    mobile: String,
    email: String,
    teams: Vec<Choice>,
    diets: Vec<Choice>,
}

/// GET /sekretariat/deltagere/ny: the form to create a participant.
pub async fn new_participant(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    let page = NewPersonPage {
        teams: team_choices(&state, &me, &BTreeSet::new()).await?,
        diets: diet_choices(&state, &me, &BTreeSet::new()).await?,
        layout: me.0.layout("Opret deltager"),
        errors: FormErrors::none(),
        mobile: String::new(),
        email: String::new(),
    };
    render(&page)
}

/// POST /sekretariat/deltagere: creates a participant through the CPR registry. The CPR number
/// only travels in this form body.
pub async fn create_participant(
    State(state): State<Shared>,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::CreateParticipant)?;
    let mut errors = FormErrors::none();
    let cpr = match Cpr::parse(form.get("cpr")) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.add("cpr", e.message_da());
            None
        }
    };
    let contact = parse_contact(&form, &mut errors);
    let teams: BTreeSet<TeamId> = form.parse_all("team")?;
    let diets: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if teams.is_empty() {
        errors.add("team-0", "Vælg mindst ét team.");
    }
    if let (true, Some(cpr)) = (errors.is_empty(), cpr) {
        let new = NewParticipant {
            cpr,
            contact,
            teams: teams.clone(),
            special_diets: diets.clone(),
            preferred_work_location: None,
        };
        match state.svc.create_participant(&me.0.actor, new).await {
            Ok(p) => {
                let to = format!("/sekretariat/deltagere/{}", p.id);
                return Ok(done(&state, &me.0, &to, "Deltageren er oprettet.").await);
            }
            Err(
                e @ (valghalla::Error::NotInRegistry(_)
                | valghalla::Error::Failed(valghalla::core::service::Failure::Registry(_))
                | valghalla::Error::Conflict(_)),
            ) => errors.add("cpr", e.message_da()),
            Err(valghalla::Error::Invalid(f)) => errors.add("cpr", f.message_da()),
            Err(e) => return Err(e.into()),
        }
    }
    let page = NewPersonPage {
        teams: team_choices(&state, &me, &teams).await?,
        diets: diet_choices(&state, &me, &diets).await?,
        layout: me.0.layout("Opret deltager"),
        errors,
        mobile: form.get("mobil").to_owned(),
        email: form.get("email").to_owned(),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "sekretariat/deltager.html")]
struct PersonPage {
    layout: Layout,
    id: ParticipantId,
    name: String,
    masked_cpr: String,
    full_cpr: Option<String>,
    birth: String,
    address: String,
    mobile: String,
    email: String,
    teams: Vec<Choice>,
    diets: Vec<Choice>,
    errors: FormErrors,
    admin: bool,
}

async fn person_page(
    state: &Shared,
    me: &Me,
    id: ParticipantId,
    posted: Option<&FormData>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let view = state.svc.participant(&me.0.actor, id).await?;
    let p = view.participant;
    let (teams, diets) = match posted {
        Some(f) => (f.parse_all("team")?, f.parse_all("kost")?),
        None => (p.teams.clone(), p.special_diets.clone()),
    };
    let (mobile, email) = contact_values(&p.contact, posted);
    let page = PersonPage {
        layout: me.0.layout(p.full_name()),
        id,
        name: p.full_name(),
        masked_cpr: p.cpr.to_string(),
        full_cpr: view.full_cpr,
        birth: da_date(p.person.birth_date),
        address: if p.person.protected_address {
            "Navne- og adressebeskyttet".into()
        } else {
            p.person
                .address
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default()
        },
        mobile,
        email,
        teams: team_choices(state, me, &teams).await?,
        diets: diet_choices(state, me, &diets).await?,
        errors,
        admin: me.0.is_admin(),
    };
    render(&page)
}

/// GET /sekretariat/deltagere/{id}: a participant (full CPR number only for administrators).
pub async fn participant(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ParticipantId>,
) -> Result<Response, AppError> {
    person_page(&state, &me, id, None, FormErrors::none()).await
}

/// POST /sekretariat/deltagere/{id}: edits contact details, diets and teams.
pub async fn edit_participant(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ParticipantId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::none();
    let contact = parse_contact(&form, &mut errors);
    let teams: BTreeSet<TeamId> = form.parse_all("team")?;
    let diets: BTreeSet<SpecialDietId> = form.parse_all("kost")?;
    if teams.is_empty() {
        errors.add("team-0", "Vælg mindst ét team.");
    }
    if errors.is_empty() {
        match state
            .svc
            .edit_participant(&me.0.actor, id, contact, diets, Some(teams), None)
            .await
        {
            Ok(_) => {
                let to = format!("/sekretariat/deltagere/{id}");
                return Ok(done(&state, &me.0, &to, "Ændringerne er gemt.").await);
            }
            Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Invalid(_))) => {
                errors = FormErrors::from_service("team-0", &e);
            }
            Err(e) => return Err(e.into()),
        }
    }
    person_page(&state, &me, id, Some(&form), errors).await
}

/// POST /sekretariat/deltagere/{id}/slet: deletes a participant.
pub async fn delete_participant(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<ParticipantId>,
) -> Result<Response, AppError> {
    state.svc.delete_participant(&me.0.actor, id).await?;
    Ok(done(
        &state,
        &me.0,
        "/sekretariat/deltagere",
        "Deltageren er slettet.",
    )
    .await)
}

// ---------------------------------------------------------------- master data

struct TaskTypeRow {
    title: String,
    short: String,
    time: String,
    payment: String,
    trusted: bool,
}

struct LocationRow {
    title: String,
    area: String,
    address: String,
    voting_area: String,
}

#[derive(Template)]
#[template(path = "sekretariat/stamdata.html")]
struct MasterPage {
    layout: Layout,
    admin: bool,
    areas: Vec<String>,
    locations: Vec<LocationRow>,
    task_types: Vec<TaskTypeRow>,
    teams: Vec<(String, String)>,
    diets: Vec<String>,
    area_choices: Vec<Choice>,
    errors: FormErrors,
    form: FormData,
}

async fn master_page(
    state: &Shared,
    me: &Me,
    form: FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let areas = state.svc.areas(actor).await?;
    let area_names: BTreeMap<AreaId, String> =
        areas.iter().map(|a| (a.id, a.name.to_string())).collect();
    let page = MasterPage {
        layout: me.0.layout("Stamdata"),
        admin: me.0.is_admin(),
        areas: areas.iter().map(|a| a.name.to_string()).collect(),
        area_choices: areas
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.name.to_string(),
                selected: form.get("omraade") == a.id.to_string(),
            })
            .collect(),
        locations: state
            .svc
            .work_locations(actor)
            .await?
            .into_iter()
            .map(|l| LocationRow {
                area: area_names.get(&l.area).cloned().unwrap_or_default(),
                address: l.address.to_string(),
                voting_area: l.voting_area.map(|v| v.to_string()).unwrap_or_default(),
                title: l.title.to_string(),
            })
            .collect(),
        task_types: state
            .svc
            .task_types(actor)
            .await?
            .into_iter()
            .map(|t| TaskTypeRow {
                title: t.title.to_string(),
                short: t.short_name.to_string(),
                time: format!(
                    "{}–{}{}",
                    t.window.start().format("%H:%M"),
                    t.window.end().format("%H:%M"),
                    if t.window.ends_next_day() {
                        " (næste dag)"
                    } else {
                        ""
                    }
                ),
                payment: t.payment.map(|p| p.to_string()).unwrap_or_default(),
                trusted: t.trust == Trust::Trusted,
            })
            .collect(),
        teams: state
            .svc
            .teams(actor)
            .await?
            .into_iter()
            .map(|t| (t.name.to_string(), t.short_name.to_string()))
            .collect(),
        diets: state
            .svc
            .special_diets(actor)
            .await?
            .into_iter()
            .map(|d| d.title.to_string())
            .collect(),
        errors,
        form,
    };
    render(&page)
}

/// GET /sekretariat/stamdata: areas, stations, task types, teams and special diets.
pub async fn master_data(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ReadOverview)?;
    master_page(&state, &me, FormData::default(), FormErrors::none()).await
}

fn field_error(prefix: &str, e: &valghalla::Error) -> FormErrors {
    let mut out = FormErrors::none();
    let id = match e {
        valghalla::Error::Invalid(f) if f.field.contains("short") => format!("{prefix}-kort"),
        _ => format!("{prefix}-navn"),
    };
    out.add(&id, e.message_da());
    out
}

/// POST /sekretariat/stamdata/{kind}: creates an area, team, special diet, task type or station.
pub async fn create_master(
    State(state): State<Shared>,
    me: Me,
    Path(kind): Path<String>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    require(actor, Permission::EditMasterData)?;
    let svc = &state.svc;
    let result = match kind.as_str() {
        "omraade" => svc
            .create_area(
                actor,
                AreaDraft {
                    name: form.get("omraade-navn").into(),
                    description: form.get("omraade-beskrivelse").into(),
                },
            )
            .await
            .map(|_| "Området er oprettet."),
        "team" => svc
            .create_team(
                actor,
                TeamDraft {
                    name: form.get("team-navn").into(),
                    short_name: form.get("team-kort").into(),
                    kind: TeamKind::Party,
                    description: "".into(),
                },
            )
            .await
            .map(|_| "Teamet er oprettet."),
        "kost" => svc
            .create_special_diet(
                actor,
                SpecialDietDraft {
                    title: form.get("kost-navn").into(),
                },
            )
            .await
            .map(|_| "Specialkosten er oprettet."),
        "opgavetype" => {
            let mut errors = FormErrors::none();
            let time = |f: &str, errors: &mut FormErrors| {
                let parsed = chrono::NaiveTime::parse_from_str(form.get(f), "%H:%M").ok();
                if parsed.is_none() {
                    errors.add(f, "Angiv et klokkeslæt (tt:mm).");
                }
                parsed
            };
            let start = time("opgavetype-start", &mut errors);
            let end = time("opgavetype-slut", &mut errors);
            let payment = match form.get("opgavetype-honorar") {
                "" => None,
                v => match Ore::parse_payment(v) {
                    Ok(ore) => Some(ore),
                    Err(e) => {
                        errors.add("opgavetype-honorar", e.message_da());
                        None
                    }
                },
            };
            let (Some(start), Some(end), true) = (start, end, errors.is_empty()) else {
                return master_page(&state, &me, form, errors).await;
            };
            svc.create_task_type(
                actor,
                TaskTypeDraft {
                    title: form.get("opgavetype-navn").to_owned(),
                    short_name: form.get("opgavetype-kort").to_owned(),
                    description: String::new(),
                    window: DailyWindow::new(start, end),
                    payment,
                    trust: if form.get("opgavetype-tillid") == "1" {
                        Trust::Trusted
                    } else {
                        Trust::Open
                    },
                    check_eligibility: true,
                    reminders: true,
                },
            )
            .await
            .map(|_| "Opgavetypen er oprettet.")
        }
        "valgsted" => {
            let Ok(area) = form.get("omraade").parse::<AreaId>() else {
                let mut errors = FormErrors::none();
                errors.add("omraade", "Vælg et område.");
                return master_page(&state, &me, form, errors).await;
            };
            let teams = svc.teams(actor).await?.into_iter().map(|t| t.id).collect();
            let task_types = svc
                .task_types(actor)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect();
            svc.create_work_location(
                actor,
                WorkLocationDraft {
                    area,
                    title: form.get("valgsted-navn").to_owned(),
                    street: form.get("valgsted-vej").to_owned(),
                    postal_code: form.get("valgsted-postnr").to_owned(),
                    city: form.get("valgsted-by").to_owned(),
                    voting_area: form.get("valgsted-nr").parse().ok(),
                    teams,
                    task_types,
                    responsibles: BTreeSet::new(),
                },
            )
            .await
            .map(|_| "Valgstedet er oprettet.")
        }
        _ => return Err(AppError::NotFound),
    };
    match result {
        Ok(msg) => Ok(done(&state, &me.0, "/sekretariat/stamdata", msg).await),
        Err(e @ (valghalla::Error::Invalid(_) | valghalla::Error::Conflict(_))) => {
            let errors = field_error(&kind, &e);
            master_page(&state, &me, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- links

/// A link in a list.
pub struct LinkRow {
    pub(crate) id: LinkId,
    pub(crate) kind: &'static str,
    pub(crate) team: String,
    pub(crate) url: String,
    pub(crate) created: String,
    pub(crate) live: bool,
}

#[derive(Template)]
#[template(path = "sekretariat/links.html")]
struct LinksPage {
    layout: Layout,
    admin: bool,
    links: Vec<LinkRow>,
    teams: Vec<Choice>,
    elections: Vec<Choice>,
}

/// The rows of a link list.
pub async fn link_rows(
    state: &Shared,
    actor: &valghalla::core::rules::access::Actor,
    team: Option<TeamId>,
) -> Result<Vec<LinkRow>, AppError> {
    let names: BTreeMap<TeamId, String> = state
        .svc
        .teams(actor)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name.to_string()))
        .collect();
    Ok(state
        .svc
        .links(actor, team)
        .await?
        .into_iter()
        .map(|l| LinkRow {
            id: l.link.id,
            kind: match l.link.kind {
                LinkKind::Team { .. } => "Team",
                LinkKind::Vacancies(_) => "Ledige pladser",
                LinkKind::Seat { .. } => "Én plads",
            },
            team: names.get(&l.team).cloned().unwrap_or_default(),
            url: format!("/link/{}", l.link.token.as_str()),
            created: l
                .link
                .created_at
                .with_timezone(&chrono_tz::Europe::Copenhagen)
                .format("%d.%m.%Y %H:%M")
                .to_string(),
            live: l.link.is_live(),
        })
        .collect())
}

impl LinkRow {
    /// The link's path.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// GET /sekretariat/links: every link, and forms to make team and vacancy links.
pub async fn links(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let page = LinksPage {
        layout: me.0.layout("Links"),
        admin: me.0.is_admin(),
        links: link_rows(&state, actor, None).await?,
        teams: team_choices(&state, &me, &BTreeSet::new()).await?,
        elections: state
            .svc
            .elections(actor)
            .await?
            .into_iter()
            .map(|e| Choice {
                value: e.id.to_string(),
                label: e.title.to_string(),
                selected: e.active,
            })
            .collect(),
    };
    render(&page)
}

/// The kind of link a form asks for (`type` = `team` or `ledige`).
pub fn link_kind(form: &FormData, team: TeamId) -> Result<LinkKind, AppError> {
    Ok(match form.get("type") {
        "team" => LinkKind::Team { team },
        "ledige" => LinkKind::Vacancies(VacancyFilter {
            election: form.parse("valg")?,
            team,
            areas: BTreeSet::new(),
            work_locations: BTreeSet::new(),
            task_types: BTreeSet::new(),
            dates: BTreeSet::new(),
            include_trusted: form.get("betroede") == "1",
        }),
        _ => return Err(AppError::BadRequest),
    })
}

/// POST /sekretariat/links: makes a team or vacancy link.
pub async fn create_link(
    State(state): State<Shared>,
    me: Me,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let team: TeamId = form.parse("team")?;
    let kind = link_kind(&form, team)?;
    state.svc.create_link(&me.0.actor, kind).await?;
    Ok(done(&state, &me.0, "/sekretariat/links", "Linket er oprettet.").await)
}

/// POST /sekretariat/links/{id}/tilbagekald: revokes a link.
pub async fn revoke_link(
    State(state): State<Shared>,
    me: Me,
    Path(id): Path<LinkId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    state.svc.revoke_link(&me.0.actor, id).await?;
    let to = match form.get("tilbage") {
        t if t.starts_with("/parti/") && !t.contains("//") => t.to_owned(),
        _ => "/sekretariat/links".to_owned(),
    };
    Ok(done(
        &state,
        &me.0,
        &to,
        "Linket er tilbagekaldt og virker ikke længere.",
    )
    .await)
}

// ---------------------------------------------------------------- audit log

struct AuditRow {
    at: String,
    actor: String,
    action: String,
    subject: String,
    description: String,
}

#[derive(Template)]
#[template(path = "sekretariat/log.html")]
struct AuditPage {
    layout: Layout,
    rows: Vec<AuditRow>,
}

fn audit_action_da(a: valghalla::core::model::AuditAction) -> &'static str {
    use valghalla::core::model::AuditAction as A;
    match a {
        A::Create => "Oprettet",
        A::Edit => "Ændret",
        A::Delete => "Slettet",
        A::View => "Vist",
        A::CprAccess => "CPR-opslag/visning",
        A::Export => "Eksport",
        A::SeatChange => "Pladsændring",
    }
}

/// GET /sekretariat/log: the newest 300 audit entries.
pub async fn audit_log(State(state): State<Shared>, me: Me) -> Result<Response, AppError> {
    let rows = state
        .svc
        .audit_log(
            &me.0.actor,
            &AuditFilter {
                limit: 300,
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|a| AuditRow {
            at: a
                .at
                .with_timezone(&chrono_tz::Europe::Copenhagen)
                .format("%d.%m.%Y %H:%M:%S")
                .to_string(),
            actor: a.actor.to_string(),
            action: audit_action_da(a.action).to_owned(),
            subject: a.subject.kind().to_owned(),
            description: a.description,
        })
        .collect();
    let page = AuditPage {
        layout: me.0.layout("Log"),
        rows,
    };
    render(&page)
}
