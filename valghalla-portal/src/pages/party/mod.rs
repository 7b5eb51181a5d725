//! Party secretaries (team responsibles): their team's seats per station with counts and
//! share, placing their own members, links to invite new members, and the members' seats.
//! The core decides what they may see and do; another party's pages are refused with 403.
//! [`placing`] holds the placing page (who is free, registering a new person) and the member
//! actions; [`members`] the party's status download and messages to every member.

mod members;
mod placing;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use valghalla::core::ids::{ElectionId, TeamId};
use valghalla::core::model::{LinkKind, SeatState, SeatStatus};
use valghalla::core::rules::access::Actor;
use valghalla::core::service::SeatRef;

use crate::state::{PortalState, Tenant};
use crate::web::forms::{ElectionQuery, link_kind, parse_slot, slot_value};
use crate::web::views::{
    CountsView, LinkRow, done, link_rows, pick_election, short_date, status_class, status_da,
};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

/// The party area's routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/parti", get(teams))
        .route("/parti/{team}", get(team))
        .route("/parti/{team}/placer", post(place))
        .route("/parti/{team}/links", post(create_link))
        .merge(placing::router())
        .merge(members::router())
}

struct TeamLink {
    id: TeamId,
    name: String,
}

#[derive(Template)]
#[template(path = "parti/teams.html")]
struct TeamsPage {
    layout: Layout,
    teams: Vec<TeamLink>,
}

/// GET /parti: the teams the person is responsible for.
pub async fn teams(state: Tenant, me: Me) -> Result<Response, AppError> {
    let Actor::Person(p) = &me.0.actor else {
        return Err(AppError::Service(valghalla::Error::Denied(
            valghalla::core::rules::access::Denied {
                actor: me.0.actor.label(),
                permission: valghalla::core::rules::access::Permission::ReadTeamMembers {
                    team: TeamId::from_uuid(uuid::Uuid::nil()),
                },
            },
        )));
    };
    let mine: Vec<TeamLink> = state
        .svc
        .teams(&me.0.actor)
        .await?
        .into_iter()
        .filter(|t| p.responsible_for_teams.contains_key(&t.id))
        .map(|t| TeamLink {
            id: t.id,
            name: t.name.to_string(),
        })
        .collect();
    if let [only] = mine.as_slice() {
        return Ok(Redirect::to(&format!("/parti/{}", only.id)).into_response());
    }
    let page = TeamsPage {
        layout: me.0.layout("Mine partier"),
        teams: mine,
    };
    render(&page)
}

struct SlotRow {
    location: String,
    task_type: String,
    date: String,
    counts: CountsView,
    slot: String,
}

struct MemberRow {
    id: String,
    name: String,
    mobile: String,
    email: String,
    seats: Vec<MemberSeatRow>,
}

struct MemberSeatRow {
    seat: String,
    what: String,
    status: &'static str,
    class: &'static str,
    invited: bool,
}

#[derive(Template)]
#[template(path = "parti/team.html")]
struct TeamPage {
    layout: Layout,
    team: TeamId,
    team_name: String,
    election: ElectionId,
    election_title: String,
    totals: CountsView,
    share: String,
    rows: Vec<SlotRow>,
    members: Vec<Choice>,
    member_rows: Vec<MemberRow>,
    links: Vec<LinkRow>,
    late: Vec<String>,
    back: String,
    errors: FormErrors,
    charts: crate::web::charts::Charts,
    /// Whether the status is also offered as XLSX.
    xlsx: bool,
}

async fn team_page(
    state: &Tenant,
    me: &Me,
    team: TeamId,
    wanted: Option<ElectionId>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let e = pick_election(&state.svc, actor, wanted)
        .await?
        .ok_or(AppError::NotFound)?;
    // The core refuses anyone who is not responsible for this team.
    let ov = state.svc.team_overview(actor, e.id, team).await?;
    let charts = crate::web::charts::Charts::of(&ov, e.title.as_str());
    let members = state.svc.team_members(actor, team).await?;
    let team_name = state
        .svc
        .teams(actor)
        .await?
        .into_iter()
        .find(|t| t.id == team)
        .map(|t| t.name.to_string())
        .unwrap_or_default();
    let mut rows = Vec::new();
    for l in ov.areas.into_iter().flat_map(|a| a.locations) {
        for r in l.rows {
            rows.push(SlotRow {
                location: l.title.clone(),
                task_type: r.task_type_title,
                date: short_date(r.date),
                counts: r.counts.into(),
                slot: slot_value(&valghalla::core::model::SlotKey {
                    election: e.id,
                    work_location: l.work_location,
                    task_type: r.task_type,
                    team: r.team,
                    date: r.date,
                }),
            });
        }
    }
    let share = ov
        .shares
        .first()
        .map(|s| valghalla::core::apportion::shares::percent_da(s.filled_permille))
        .unwrap_or_default();
    let page = TeamPage {
        layout: me.0.layout(format!("Parti – {team_name}")),
        team,
        election: e.id,
        election_title: e.title.to_string(),
        totals: ov.totals.into(),
        share,
        rows,
        members: members
            .iter()
            .map(|m| Choice {
                value: m.participant.to_string(),
                label: m.name.clone(),
                selected: false,
            })
            .collect(),
        member_rows: members
            .into_iter()
            .map(|m| MemberRow {
                id: m.participant.to_string(),
                name: m.name,
                mobile: m.mobile.unwrap_or_default(),
                email: m.email.unwrap_or_default(),
                seats: m
                    .seats
                    .into_iter()
                    .map(|s| MemberSeatRow {
                        seat: s.seat.to_string(),
                        what: format!(
                            "{}, {}, {}",
                            s.work_location,
                            s.task_type,
                            short_date(s.date)
                        ),
                        status: status_da(s.status),
                        class: status_class(s.status),
                        invited: s.status == SeatStatus::Invited,
                    })
                    .collect(),
            })
            .collect(),
        links: link_rows(&state.svc, actor, Some(team)).await?,
        late: state
            .svc
            .late_withdrawals(actor, e.id, Some(team))
            .await?
            .into_iter()
            .map(|l| {
                format!(
                    "{} meldte fra {} til {}, {}, {}",
                    l.name,
                    crate::web::views::local_time(l.at),
                    l.work_location,
                    l.task_type,
                    short_date(l.date)
                )
            })
            .collect(),
        back: format!("/parti/{team}"),
        errors,
        team_name,
        charts,
        xlsx: crate::web::download::XLSX,
    };
    render(&page)
}

/// GET /parti/{team}: the team's seats, members and links.
pub async fn team(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Query(q): Query<ElectionQuery>,
) -> Result<Response, AppError> {
    let wanted = q.election();
    team_page(&state, &me, team, wanted, FormErrors::none()).await
}

/// A vacant seat of the slot posted in `plads`, as the actor may see it (for a link to it).
async fn vacant_seat(
    state: &Tenant,
    actor: &Actor,
    form: &FormData,
) -> Result<Option<valghalla::core::ids::SeatId>, AppError> {
    let slot = parse_slot(form.get("plads"))?;
    Ok(state
        .svc
        .slot_seats(actor, slot)
        .await?
        .into_iter()
        .find(|s| s.state == SeatState::Vacant)
        .map(|s| s.id))
}

/// POST /parti/{team}/placer: places a member of the team in a vacant seat of the slot posted
/// in `plads` (the core picks the seat; none left is its refusal).
pub async fn place(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let participant = form.parse("deltager")?;
    let slot = parse_slot(form.get("plads"))?;
    match state
        .svc
        .place_member(actor, SeatRef::AnyIn(slot), participant)
        .await
    {
        Ok(_) => {
            let to = format!("/parti/{team}");
            done(&me.0, &to, "Medlemmet er sat på pladsen.").await
        }
        Err(e @ valghalla::Error::Refused(_)) => {
            let errors = FormErrors::from_service("pladser", &e);
            team_page(&state, &me, team, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// POST /parti/{team}/links: a team link, a vacancy link or a link to one vacant seat.
pub async fn create_link(
    state: Tenant,
    me: Me,
    Path(team): Path<TeamId>,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let kind = if form.get("type") == "plads" {
        let Some(seat) = vacant_seat(&state, actor, &form).await? else {
            return Err(AppError::NotFound);
        };
        LinkKind::Seat { seat }
    } else {
        link_kind(&form, team)?
    };
    state.svc.create_link(actor, kind).await?;
    let to = format!("/parti/{team}#links");
    done(
        &me.0,
        &to,
        "Linket er oprettet. Del det med den, der skal melde sig.",
    )
    .await
}
