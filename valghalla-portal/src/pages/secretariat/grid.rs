//! The seat distribution grid of one station: seats per team, task type and day, saved in one
//! change; seats someone holds are never removed. When the saved seats give the station's
//! board a shape the law does not allow (the core's rule), the page says so above the grid.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use valghalla::core::ids::{ElectionId, TaskTypeId, TeamId, WorkLocationId};
use valghalla::core::service::OverviewFilter;

use super::distribution::{CouncilForm, grid_form};
use crate::state::{PortalState, Tenant};
use crate::web::views::{da_date, done, short_date};
use crate::web::{AppError, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route(
        "/sekretariat/valg/{id}/fordeling/{location}",
        get(grid).post(save_grid),
    )
}

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
    /// The day, `åååå-mm-dd`.
    iso: String,
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
    /// What is wrong with the station's saved board, if anything (the core's words).
    board: Option<String>,
    /// The election day's value, to mark its table (where the board is fixed).
    election_day: String,
    council: Option<CouncilForm>,
    /// Whether the viewer may change the distribution (a reader sees the numbers only).
    admin: bool,
}

fn cell_name(date: NaiveDate, team: TeamId, tt: TaskTypeId) -> String {
    format!("n_{date}_{team}_{tt}")
}

async fn grid_page(
    state: &Tenant,
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
            iso: d.to_string(),
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
    let council = grid_form(state, me, election, location).await?;
    let board = state
        .svc
        .board_attention(actor, election)
        .await?
        .into_iter()
        .find(|b| b.warning.work_location == location)
        .map(|b| b.warning.message_da());
    let page = GridPage {
        council,
        admin: me.0.is_admin(),
        layout: me.0.layout(format!("Fordeling – {}", loc.title)),
        election,
        election_title: e.title.to_string(),
        location,
        location_title: loc.title.to_string(),
        task_types: task_types.iter().map(|t| t.title.to_string()).collect(),
        days,
        errors,
        warnings,
        board,
        election_day: e.election_day().to_string(),
    };
    render(&page)
}

/// GET /sekretariat/valg/{id}/fordeling/{location}: the seat grid.
pub async fn grid(
    state: Tenant,
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
    state: Tenant,
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
                done(&me.0, &to, "Fordelingen er gemt.").await
            }
        }
        Err(e @ (valghalla::Error::Refused(_) | valghalla::Error::Invalid(_))) => {
            let errors = FormErrors::from_service("fordeling", &e);
            grid_page(&state, &me, election, location, Some(&form), errors, vec![]).await
        }
        Err(e) => Err(e.into()),
    }
}
