//! Moving vacant seats of one team to another at a station: the secretariat picks a row of
//! vacant seats (task type, team, day), the team that gets them and how many; the core moves
//! them (only vacant ones, only to a team the station has) or refuses, and a bad choice is
//! shown at its field with nothing moved.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use valghalla::core::ids::{ElectionId, TeamId, WorkLocationId};
use valghalla::core::model::SlotKey;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::{LocationOverview, OverviewFilter};

use crate::state::{PortalState, Tenant};
use crate::web::format::count_da;
use crate::web::forms::{parse_slot, slot_value};
use crate::web::views::{done, require, short_date};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route(
        "/sekretariat/valg/{id}/valgsted/{location}/flyt-ledige",
        get(page).post(move_vacant),
    )
}

#[derive(Template)]
#[template(path = "sekretariat/flyt_ledige.html")]
struct MoveVacantPage {
    layout: Layout,
    election: ElectionId,
    location: WorkLocationId,
    election_title: String,
    location_title: String,
    rows: Vec<Choice>,
    teams: Vec<Choice>,
    count: String,
    errors: FormErrors,
}

/// The station's rows of the overview (task type, team, day and counts).
async fn station_rows(
    state: &Tenant,
    me: &Me,
    election: ElectionId,
    location: WorkLocationId,
) -> Result<LocationOverview, AppError> {
    state
        .svc
        .overview(&me.0.actor, election, &OverviewFilter::default())
        .await?
        .areas
        .into_iter()
        .flat_map(|a| a.locations)
        .find(|l| l.work_location == location)
        .ok_or(AppError::NotFound)
}

fn slot_of(
    election: ElectionId,
    location: WorkLocationId,
    row: &valghalla::core::service::OverviewRow,
) -> SlotKey {
    SlotKey {
        election,
        work_location: location,
        task_type: row.task_type,
        team: row.team,
        date: row.date,
    }
}

async fn show(
    state: &Tenant,
    me: &Me,
    (election, location): (ElectionId, WorkLocationId),
    form: &FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = state.svc.election(actor, election).await?;
    let station = station_rows(state, me, election, location).await?;
    let chosen_row = form.get("fra");
    let rows = station
        .rows
        .iter()
        .filter(|r| r.counts.vacant > 0)
        .map(|r| {
            let value = slot_value(&slot_of(election, location, r));
            Choice {
                selected: value == chosen_row,
                label: format!(
                    "{}, {}, {}: {}",
                    r.task_type_title,
                    r.team_name,
                    short_date(r.date),
                    count_da(r.counts.vacant.into(), "ledig", "ledige")
                ),
                value,
            }
        })
        .collect();
    let at_station = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .find(|l| l.id == location)
        .map(|l| l.teams)
        .unwrap_or_default();
    let teams = state
        .svc
        .teams(actor)
        .await?
        .into_iter()
        .filter(|t| at_station.contains(&t.id))
        .map(|t| Choice {
            selected: form.get("til") == t.id.to_string(),
            value: t.id.to_string(),
            label: t.name.to_string(),
        })
        .collect();
    render(&MoveVacantPage {
        layout: me
            .0
            .layout(format!("Flyt ledige pladser – {}", station.title)),
        election,
        location,
        election_title: e.title.to_string(),
        location_title: station.title,
        rows,
        teams,
        count: match form.get("antal") {
            "" => "1".to_owned(),
            v => v.to_owned(),
        },
        errors,
    })
}

/// GET /sekretariat/valg/{id}/valgsted/{location}/flyt-ledige: the form.
async fn page(
    state: Tenant,
    me: Me,
    Path(at): Path<(ElectionId, WorkLocationId)>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::DistributeSeats)?;
    show(&state, &me, at, &FormData::default(), FormErrors::none()).await
}

/// POST /sekretariat/valg/{id}/valgsted/{location}/flyt-ledige: moves `antal` vacant seats of
/// the row `fra` to the team `til`.
async fn move_vacant(
    state: Tenant,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::DistributeSeats)?;
    let mut errors = FormErrors::none();
    let station = station_rows(&state, &me, election, location).await?;
    let row = parse_slot(form.get("fra")).ok().and_then(|slot| {
        station
            .rows
            .iter()
            .find(|r| slot == slot_of(election, location, r) && r.counts.vacant > 0)
            .map(|r| (slot, r.counts.vacant))
    });
    if row.is_none() {
        errors.add("fra", "Vælg de ledige pladser, der skal flyttes.");
    }
    let to: Option<TeamId> = form.get("til").parse().ok();
    match (to, row) {
        (None, _) => errors.add("til", "Vælg det team, der skal have pladserne."),
        (Some(to), Some((slot, _))) if to == slot.team => {
            errors.add(
                "til",
                "Pladserne hører allerede til det team; vælg et andet.",
            );
        }
        _ => {}
    }
    let count = match form.get("antal").trim().parse::<u32>() {
        Ok(n) if n >= 1 => match row {
            Some((_, vacant)) if n > vacant => {
                errors.add(
                    "antal",
                    format!(
                        "Der er kun {} i rækken.",
                        count_da(vacant.into(), "ledig plads", "ledige pladser")
                    ),
                );
                None
            }
            _ => Some(n),
        },
        _ => {
            errors.add("antal", "Angiv et helt antal pladser (mindst 1).");
            None
        }
    };
    if let (true, Some((slot, _)), Some(to), Some(count)) = (errors.is_empty(), row, to, count) {
        match state
            .svc
            .move_vacant_seats(&me.0.actor, slot, to, count)
            .await
        {
            Ok(moved) => {
                let back = format!("/sekretariat/valg/{election}/valgsted/{location}");
                let msg = format!(
                    "{} flyttet.",
                    count_da(moved.into(), "ledig plads er", "ledige pladser er")
                );
                return done(&me.0, &back, &msg).await;
            }
            Err(e @ valghalla::Error::Refused(_)) => errors = FormErrors::from_service("til", &e),
            Err(e) => return Err(e.into()),
        }
    }
    show(&state, &me, (election, location), &form, errors).await
}
