//! Moving a person from the seat they hold (or are invited to) onto another seat of the same
//! election: the vacant seats of a station, each free for them or with every reason why not;
//! the core moves them in one change, keeping their answer, or refuses with the reasons at the
//! field and changes nothing.

use askama::Template;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use valghalla::core::ids::{SeatId, WorkLocationId};
use valghalla::core::rules::access::Permission;

use crate::state::{PortalState, Tenant};
use crate::web::guard::safe_back;
use crate::web::views::{done, require, short_date, status_da};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route(
        "/sekretariat/pladser/{seat}/flyt",
        get(page).post(move_holder),
    )
}

struct Target {
    seat: SeatId,
    date: String,
    location: String,
    task_type: String,
    team: String,
    reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "sekretariat/plads_flyt.html")]
struct MovePage {
    layout: Layout,
    seat: SeatId,
    what: String,
    status: &'static str,
    holder: Option<String>,
    stations: Vec<Choice>,
    station: String,
    targets: Vec<Target>,
    back: String,
    /// Every reason the move was refused (they all belong to the choice of seat).
    til_errors: Vec<String>,
    errors: FormErrors,
}

/// The station the list shows: the one asked for (`valgsted`; empty: every station), or the
/// seat's own.
fn station_asked(form: &FormData, own: WorkLocationId) -> Result<Option<WorkLocationId>, AppError> {
    match form.get("valgsted") {
        "" if form.all("valgsted").is_empty() => Ok(Some(own)),
        "" => Ok(None),
        v => Ok(Some(v.parse().map_err(|_| AppError::BadRequest)?)),
    }
}

async fn show(
    state: &Tenant,
    me: &Me,
    seat: SeatId,
    form: &FormData,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let s = state.svc.seat_summary(actor, seat).await?;
    let station = station_asked(form, s.slot.work_location)?;
    let election = state.svc.election(actor, s.slot.election).await?;
    let stations = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .filter(|l| election.work_locations.contains(&l.id))
        .map(|l| Choice {
            value: l.id.to_string(),
            selected: station == Some(l.id),
            label: l.title.to_string(),
        })
        .collect();
    let targets = if s.holder.is_some() {
        state
            .svc
            .move_targets(actor, seat, station)
            .await?
            .into_iter()
            .map(|t| Target {
                seat: t.seat.seat,
                date: short_date(t.seat.slot.date),
                location: t.seat.location,
                task_type: t.seat.task_type,
                team: t.seat.team,
                reasons: t.reasons,
            })
            .collect()
    } else {
        Vec::new()
    };
    let what = format!(
        "{}, {}, {}, {}",
        s.location,
        s.task_type,
        s.team,
        short_date(s.slot.date)
    );
    render(&MovePage {
        layout: me.0.layout(match &s.holder {
            Some((_, name)) => format!("Flyt {name} til en anden plads"),
            None => "Flyt en person til en anden plads".to_owned(),
        }),
        seat,
        what,
        status: status_da(s.status),
        holder: s.holder.map(|(_, name)| name),
        stations,
        station: station.map(|l| l.to_string()).unwrap_or_default(),
        targets,
        back: safe_back(form.get("tilbage"), "/sekretariat/", "/sekretariat"),
        til_errors: errors
            .0
            .iter()
            .filter(|(f, _)| f == "til")
            .map(|(_, m)| m.clone())
            .collect(),
        errors,
    })
}

/// GET /sekretariat/pladser/{seat}/flyt?valgsted=&tilbage=: where the seat's holder could go.
async fn page(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageSeatHolders)?;
    let form = FormData::from_query(query.as_deref());
    show(&state, &me, seat, &form, FormErrors::none()).await
}

/// POST /sekretariat/pladser/{seat}/flyt: moves the holder to the seat `til`, or shows why not
/// and changes nothing.
async fn move_holder(
    state: Tenant,
    me: Me,
    Path(seat): Path<SeatId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    require(&me.0.actor, Permission::ManageSeatHolders)?;
    let mut errors = FormErrors::none();
    match form.get("til").parse::<SeatId>() {
        Err(_) => errors.add("til", "Vælg den plads, personen skal flyttes til."),
        Ok(to) => match state.svc.move_holder(&me.0.actor, seat, to).await {
            Ok(_) => {
                let s = state.svc.seat_summary(&me.0.actor, to).await?;
                let name = s.holder.map(|(_, n)| n).unwrap_or_default();
                let msg = format!(
                    "{name} er flyttet til {}, {}, {}, {} og har fået besked.",
                    s.location,
                    s.task_type,
                    s.team,
                    short_date(s.slot.date)
                );
                let back = safe_back(form.get("tilbage"), "/sekretariat/", "/sekretariat");
                return done(&me.0, &back, &msg).await;
            }
            Err(e @ valghalla::Error::Refused(_)) => errors = FormErrors::from_service("til", &e),
            Err(valghalla::Error::NotFound { .. }) => {
                errors.add("til", "Pladsen findes ikke længere; vælg en anden.");
            }
            Err(e) => return Err(e.into()),
        },
    }
    show(&state, &me, seat, &form, errors).await
}
