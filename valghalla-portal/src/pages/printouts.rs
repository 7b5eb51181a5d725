//! Election-day printouts: per station a one-page list of its staff for the chair (name, task,
//! hours, phone, special diets), one page per day, and per party a list of its people and
//! places. Plain pages whose print style sheet (`portal.css`, `@media print`) leaves only the
//! list; the core decides who may read them (the secretariat, the station's responsibles, the
//! party's secretary).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::ids::{TeamId, WorkLocationId};

use crate::state::{PortalState, Tenant};
use crate::web::forms::ElectionQuery;
use crate::web::views::{CountsView, da_date, pick_election, short_date, status_da};
use crate::web::{AppError, Layout, Me, render};

/// The printouts' routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/udskrift/valgsted/{location}", get(station))
        .route("/udskrift/parti/{team}", get(party))
}

struct StaffLine {
    name: String,
    task_type: String,
    hours: String,
    phone: String,
    diets: String,
}

struct StaffDay {
    label: String,
    counts: CountsView,
    people: Vec<StaffLine>,
}

#[derive(Template)]
#[template(path = "udskrift/valgsted.html")]
struct StationPrint {
    layout: Layout,
    title: String,
    address: String,
    election_title: String,
    printed: String,
    days: Vec<StaffDay>,
}

/// GET /udskrift/valgsted/{location}?valg=…: the station's staff, a page per day.
pub async fn station(
    state: Tenant,
    me: Me,
    Path(location): Path<WorkLocationId>,
    Query(q): Query<ElectionQuery>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = pick_election(&state.svc, actor, q.election())
        .await?
        .ok_or(AppError::NotFound)?;
    // The core refuses anyone who may not read the station's staff.
    let days = state
        .svc
        .location_staff(actor, e.id, location)
        .await?
        .into_iter()
        .map(|d| StaffDay {
            label: da_date(d.date),
            counts: d.counts.into(),
            people: d
                .people
                .into_iter()
                .map(|p| StaffLine {
                    name: p.name,
                    task_type: p.task_type,
                    hours: p.hours,
                    phone: p.mobile.unwrap_or_default(),
                    diets: p.special_diets.join(", "),
                })
                .collect(),
        })
        .collect();
    let loc = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .find(|l| l.id == location);
    let (title, address) = loc.map_or_else(Default::default, |l| {
        (l.title.to_string(), l.address.to_string())
    });
    let page = StationPrint {
        layout: me.0.layout(format!("Udskrift – {title}")),
        title,
        address,
        election_title: e.title.to_string(),
        printed: short_date(valghalla::core::time::local_date(chrono::Utc::now())),
        days,
    };
    render(&page)
}

struct PlaceLine {
    place: String,
    task_type: String,
    date: String,
    status: &'static str,
}

struct MemberLines {
    name: String,
    phone: String,
    places: Vec<PlaceLine>,
}

#[derive(Template)]
#[template(path = "udskrift/parti.html")]
struct PartyPrint {
    layout: Layout,
    team_name: String,
    election_title: String,
    printed: String,
    members: Vec<MemberLines>,
    placed: usize,
}

/// GET /udskrift/parti/{team}?valg=…: the party's people and their places.
pub async fn party(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Query(q): Query<ElectionQuery>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = pick_election(&state.svc, actor, q.election())
        .await?
        .ok_or(AppError::NotFound)?;
    // The core refuses anyone who is not the party's secretary or the secretariat.
    let members = state.svc.team_members(actor, team).await?;
    let team_name = state
        .svc
        .teams(actor)
        .await?
        .into_iter()
        .find(|t| t.id == team)
        .map(|t| t.name.to_string())
        .unwrap_or_default();
    let members: Vec<MemberLines> = members
        .into_iter()
        .map(|m| MemberLines {
            name: m.name,
            phone: m.mobile.unwrap_or_default(),
            places: m
                .seats
                .into_iter()
                .map(|s| PlaceLine {
                    place: s.work_location,
                    task_type: s.task_type,
                    date: short_date(s.date),
                    status: status_da(s.status),
                })
                .collect(),
        })
        .collect();
    let placed = members.iter().filter(|m| !m.places.is_empty()).count();
    let page = PartyPrint {
        layout: me.0.layout(format!("Udskrift – {team_name}")),
        team_name,
        election_title: e.title.to_string(),
        printed: short_date(valghalla::core::time::local_date(chrono::Utc::now())),
        members,
        placed,
    };
    render(&page)
}
