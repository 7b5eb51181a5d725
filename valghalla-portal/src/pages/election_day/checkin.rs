//! The station's check-in page, made for a phone: every expected person with three buttons
//! (arrived, not arrived, left early at a time), and for a missing person one button that
//! offers their seat to the day's reserves. The core decides who may (the station's
//! responsible, its chair that day, the secretariat).

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveTime;
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, ParticipantId, SeatId, WorkLocationId};
use valghalla::core::model::AttendanceStatus;
use valghalla::core::rules::access::Actor;
use valghalla::core::service::{MyStation, Offered};
use valghalla::core::time::local_instant;

use super::common::{DayQuery, day_of, status_da};
use crate::state::{PortalState, Tenant};
use crate::web::views::{da_date, done};
use crate::web::{AppError, FormData, Layout, Me, render};

pub(super) fn router() -> Router<PortalState> {
    Router::new()
        .route("/valgdag", get(my_stations))
        .route("/valgdag/{election}/{location}", get(station))
        .route("/valgdag/{election}/{location}/fremmoede", post(record))
        .route("/valgdag/{election}/{location}/tilbud", post(offer))
}

#[derive(Template)]
#[template(path = "valgdag/mine.html")]
struct MinePage {
    layout: Layout,
    date: String,
    stations: Vec<MyStation>,
}

/// GET /valgdag: the stations the person runs today (the secretariat goes to its board).
async fn my_stations(state: Tenant, me: Me) -> Result<Response, AppError> {
    if let Actor::Secretariat { .. } = me.0.actor {
        return Ok(Redirect::to("/sekretariat/valgdag").into_response());
    }
    let today = state.svc.today();
    let stations = state.svc.my_stations(&me.0.actor, today).await?;
    render(&MinePage {
        layout: me.0.layout("Valgdag"),
        date: da_date(today),
        stations,
    })
}

struct Row {
    seat: SeatId,
    participant: ParticipantId,
    name: String,
    task: String,
    status: String,
    class: &'static str,
    holds_seat: bool,
    reserve: bool,
    missing: bool,
    offered: bool,
}

#[derive(Template)]
#[template(path = "valgdag/valgsted.html")]
struct StationPage {
    layout: Layout,
    election: ElectionId,
    location: WorkLocationId,
    title: String,
    election_title: String,
    date: String,
    date_value: String,
    expected: u32,
    arrived: u32,
    missing: u32,
    unrecorded: u32,
    left_early: u32,
    rows: Vec<Row>,
    secretariat: bool,
}

/// GET /valgdag/{election}/{location}?dato=: the check-in page of a station on a day.
async fn station(
    state: Tenant,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
    Query(q): Query<DayQuery>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    // Master data every logged-in person may read; the board below decides access.
    let e = state.svc.election(actor, election).await?;
    let date = day_of(&e, q.date(), state.svc.today());
    let board = state
        .svc
        .station_board(actor, election, location, date)
        .await?;
    let election_title = e.title.to_string();
    let rows = board
        .rows
        .into_iter()
        .map(|r| {
            let (status, class) = status_da(r.status);
            Row {
                seat: r.seat,
                participant: r.participant,
                missing: r.holds_seat && r.status == Some(AttendanceStatus::NotArrived),
                offered: r.open_offer.is_some(),
                name: r.name,
                task: format!("{} · {}", r.task_type, r.team),
                status,
                class,
                holds_seat: r.holds_seat,
                reserve: r.reserve,
            }
        })
        .collect();
    let c = board.counts;
    render(&StationPage {
        layout: me.0.layout(format!("Fremmøde – {}", board.title)),
        election,
        location,
        title: board.title,
        election_title,
        date: da_date(date),
        date_value: date.format("%Y-%m-%d").to_string(),
        expected: c.expected,
        arrived: c.arrived,
        missing: c.missing,
        unrecorded: c.unrecorded,
        left_early: c.left_early,
        rows,
        secretariat: matches!(actor, Actor::Secretariat { .. }),
    })
}

fn back(election: ElectionId, location: WorkLocationId, date: &str) -> String {
    let date = if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() {
        date
    } else {
        ""
    };
    format!("/valgdag/{election}/{location}?dato={date}")
}

/// POST /valgdag/{election}/{location}/fremmoede: `plads`, `deltager`, `status`
/// (`moedt`, `ikke-moedt`, `gaaet` with `kl` HH:MM) and `dato`.
async fn record(
    state: Tenant,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let seat: SeatId = form.parse("plads")?;
    let participant: ParticipantId = form.parse("deltager")?;
    let to = back(election, location, form.get("dato"));
    let status = match form.get("status") {
        "moedt" => AttendanceStatus::Arrived,
        "ikke-moedt" => AttendanceStatus::NotArrived,
        "gaaet" => {
            let date = chrono::NaiveDate::parse_from_str(form.get("dato"), "%Y-%m-%d")
                .map_err(|_| AppError::BadRequest)?;
            let Ok(time) = NaiveTime::parse_from_str(form.get("kl").trim(), "%H:%M") else {
                return done(
                    &me.0,
                    &to,
                    "Skriv klokkeslættet, personen gik, som TT:MM (fx 14:30).",
                )
                .await;
            };
            AttendanceStatus::LeftEarly {
                at: local_instant(date, time),
            }
        }
        _ => return Err(AppError::BadRequest),
    };
    match state
        .svc
        .record_attendance(&me.0.actor, seat, participant, status)
        .await
    {
        Ok(()) => done(&me.0, &to, "Fremmødet er registreret.").await,
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &to, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}

/// What the page says after an offer: to how many reserves, and how many were skipped and why.
fn offered_da(offered: &Offered) -> String {
    let mut text = format!(
        "Pladsen er tilbudt dagens reserver: {} har fået et link. Den første, der tager den, får den.",
        offered.sent_to
    );
    let skipped = offered.skipped.total();
    if skipped > 0 {
        let noun = if skipped == 1 { "reserve" } else { "reserver" };
        text.push_str(&format!(
            " {skipped} {noun} fik ikke tilbuddet: {}.",
            offered.skipped.message_da()
        ));
    }
    text
}

/// POST /valgdag/{election}/{location}/tilbud: `plads` (and `dato`) — offers the missing
/// person's seat to the day's reserves.
async fn offer(
    state: Tenant,
    me: Me,
    Path((election, location)): Path<(ElectionId, WorkLocationId)>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let seat: SeatId = form.parse("plads")?;
    let to = back(election, location, form.get("dato"));
    match state.svc.offer_seat(&me.0.actor, seat).await {
        Ok(offered) => done(&me.0, &to, &offered_da(&offered)).await,
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &to, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}
