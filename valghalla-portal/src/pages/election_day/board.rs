//! The secretariat's election-day board: every station's expected, arrived and missing people
//! (each station opens its check-in page), the day's reserves, the link reserves sign up
//! through, and signing someone up as a reserve.

use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, ParticipantId, WorkLocationId};
use valghalla::core::time::format_local;

use super::{DayQuery, day_of};
use crate::state::{PortalState, Tenant};
use crate::web::views::{da_date, done, pick_election};
use crate::web::{AppError, FormData, Layout, Me, render};

pub(super) fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/valgdag", get(board))
        .route("/sekretariat/valgdag/reserve", post(sign_up))
        .route("/sekretariat/valgdag/reserve/fjern", post(withdraw))
}

struct StationRow {
    id: WorkLocationId,
    title: String,
    expected: u32,
    arrived: u32,
    missing: u32,
    unrecorded: u32,
}

struct ReserveView {
    participant: ParticipantId,
    name: String,
    signed_up: String,
    took: bool,
}

struct Found {
    id: ParticipantId,
    name: String,
    birth: String,
}

#[derive(Template)]
#[template(path = "valgdag/tavle.html")]
struct BoardPage {
    layout: Layout,
    election: ElectionId,
    election_title: String,
    date: String,
    date_value: String,
    days: Vec<(String, String, bool)>,
    stations: Vec<StationRow>,
    reserves: Vec<ReserveView>,
    reserve_link: String,
    admin: bool,
    search: String,
    found: Vec<Found>,
}

/// GET /sekretariat/valgdag?valg=&dato=&soeg=: the day's board.
async fn board(
    state: Tenant,
    me: Me,
    Query(q): Query<DayQuery>,
    Query(search): Query<SearchQuery>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = pick_election(&state.svc, actor, q.election())
        .await?
        .ok_or(AppError::NotFound)?;
    let date = day_of(&e, q.date(), state.svc.today());
    if !e.working_period().contains(date) {
        return Err(AppError::NotFound);
    }
    let stations = state
        .svc
        .attendance_overview(actor, e.id, date)
        .await?
        .into_iter()
        .map(|s| StationRow {
            id: s.work_location,
            title: s.title,
            expected: s.counts.expected,
            arrived: s.counts.arrived,
            missing: s.counts.missing,
            unrecorded: s.counts.unrecorded,
        })
        .collect();
    let reserves = state
        .svc
        .reserves_of_day(actor, e.id, date)
        .await?
        .into_iter()
        .map(|r| ReserveView {
            participant: r.participant,
            name: r.name,
            signed_up: format_local(r.signed_up_at),
            took: r.took.is_some(),
        })
        .collect();
    let text = search.soeg.unwrap_or_default();
    let found = if text.trim().is_empty() || !me.0.is_admin() {
        Vec::new()
    } else {
        state
            .svc
            .search_participants(actor, &text, 20)
            .await?
            .into_iter()
            .map(|p| Found {
                id: p.id,
                name: p.name,
                birth: p.birth_date.format("%d.%m.%Y").to_string(),
            })
            .collect()
    };
    let period = e.working_period();
    let days = period
        .first()
        .iter_days()
        .take_while(|d| *d <= period.last())
        .map(|d| (d.format("%Y-%m-%d").to_string(), da_date(d), d == date))
        .collect();
    let date_value = date.format("%Y-%m-%d").to_string();
    render(&BoardPage {
        layout: me.0.layout("Valgdag"),
        election: e.id,
        election_title: e.title.to_string(),
        date: da_date(date),
        reserve_link: format!("/reserve/{}/{date_value}", e.id),
        date_value,
        days,
        stations,
        reserves,
        admin: me.0.is_admin(),
        search: text,
        found,
    })
}

/// `?soeg=` on the board: a name to sign up as a reserve.
#[derive(Debug, Default, serde::Deserialize)]
struct SearchQuery {
    soeg: Option<String>,
}

fn back(form: &FormData) -> Result<(ElectionId, chrono::NaiveDate, String), AppError> {
    let election: ElectionId = form.parse("valg")?;
    let date = chrono::NaiveDate::parse_from_str(form.get("dato"), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest)?;
    Ok((
        election,
        date,
        format!(
            "/sekretariat/valgdag?valg={election}&dato={}",
            form.get("dato")
        ),
    ))
}

/// POST /sekretariat/valgdag/reserve: `valg`, `dato`, `deltager` — the secretariat signs
/// someone up as a reserve.
async fn sign_up(state: Tenant, me: Me, Form(form): Form<FormData>) -> Result<Response, AppError> {
    let (election, date, to) = back(&form)?;
    let participant: ParticipantId = form.parse("deltager")?;
    match state
        .svc
        .sign_up_reserve(&me.0.actor, participant, election, date)
        .await
    {
        Ok(()) => done(&me.0, &to, "Personen er nu reserve den dag.").await,
        Err(e @ valghalla::Error::Refused(_)) => done(&me.0, &to, &e.message_da()).await,
        Err(e) => Err(e.into()),
    }
}

/// POST /sekretariat/valgdag/reserve/fjern: `valg`, `dato`, `deltager`.
async fn withdraw(state: Tenant, me: Me, Form(form): Form<FormData>) -> Result<Response, AppError> {
    let (election, date, to) = back(&form)?;
    let participant: ParticipantId = form.parse("deltager")?;
    state
        .svc
        .withdraw_reserve(&me.0.actor, participant, election, date)
        .await?;
    done(&me.0, &to, "Personen er ikke længere reserve den dag.").await
}
