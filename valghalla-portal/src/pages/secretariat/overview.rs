//! The staffing overview: seats per area, station, task type, team and date with their state,
//! and each party's share. Its content is rendered once per election, filter and role and
//! shared (see [`crate::state::PageCache`]); every request is authorized first.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use valghalla::core::apportion::shares::percent_da;
use valghalla::core::ids::{AreaId, ElectionId, TeamId, WorkLocationId};
use valghalla::core::rules::access::Permission;
use valghalla::core::service::OverviewFilter;

use super::common::team_choices;
use crate::state::{PortalState, Tenant};
use crate::web::charts::Charts;
use crate::web::views::{CountsView, da_date, require, short_date};
use crate::web::{AppError, Choice, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/sekretariat/valg/{id}/oversigt", get(overview))
}

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
    charts: Charts,
}

/// GET /sekretariat/valg/{id}/oversigt: the staffing overview.
pub async fn overview(
    state: Tenant,
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
    state: &Tenant,
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
    let charts = Charts::of(&ov, e.title.as_str());
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
            share: percent_da(s.share_permille),
            filled: percent_da(s.filled_permille),
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
        charts,
    };
    Ok((format!("Oversigt – {}", e.title), content.render()?))
}
