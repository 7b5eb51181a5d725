//! The staffing overview: seats per area, station, task type, team and date with their state,
//! and each party's share, filtered by the URL's query (area, station, team, task type, date,
//! state); above them the stations whose saved board is outside the law (not 5–9 valgstyrere
//! or not one formand), each with a link to its distribution. Its content is rendered once per election, filter and role and
//! shared (see [`crate::PageCache`]); every request is authorized first.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::apportion::shares::percent_da;
use valghalla::core::ids::{AreaId, ElectionId, WorkLocationId};
use valghalla::core::model::Election;
use valghalla::core::rules::access::Permission;
use valghalla::core::service::OverviewFilter;

use super::seat_filters::{FilterForm, States, seat_filter};
use crate::state::{PortalState, Tenant};
use crate::web::charts::Charts;
use crate::web::views::{CountsView, require, short_date};
use crate::web::{AppError, Choice, FormData, FormErrors, Layout, Me, render};

pub fn router() -> Router<PortalState> {
    Router::new().route("/sekretariat/valg/{id}/oversigt", get(overview))
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

/// A station whose saved board is outside the law.
struct OvBoard {
    area: String,
    location: WorkLocationId,
    title: String,
    problem: String,
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
    filters: FilterForm,
    errors: FormErrors,
    boards: Vec<OvBoard>,
    all_detailed: bool,
    computed_at: String,
    election: ElectionId,
    election_title: String,
    areas: Vec<OvArea>,
    totals: CountsView,
    shares: Vec<OvShare>,
    stations: Vec<Choice>,
    admin: bool,
    charts: Charts,
}

/// GET /sekretariat/valg/{id}/oversigt?omraade=&valgsted=&team=&opgavetype=&dato=&status=:
/// the staffing overview, filtered.
pub async fn overview(
    state: Tenant,
    me: Me,
    Path(id): Path<ElectionId>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    // Authorized through the core's policy on every request, cached or not.
    require(&me.0.actor, Permission::ReadOverview)?;
    let e = state.svc.election(&me.0.actor, id).await?;
    let form = FormData::from_query(query.as_deref());
    let mut errors = FormErrors::none();
    let (filter, filters) = seat_filter(&state, &me, &e, &form, States::All, &mut errors).await?;
    let admin = me.0.is_admin();
    let key = format!("oversigt|{id}|{filter:?}|{errors:?}|{admin}");
    let content = state
        .cache
        .get_or_render(key, {
            let (state, me) = (state.clone(), me.clone());
            move || async move { overview_content(&state, &me, e, filter, filters, errors).await }
        })
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
    e: Election,
    filter: OverviewFilter,
    filters: FilterForm,
    errors: FormErrors,
) -> Result<(String, String), AppError> {
    let actor = &me.0.actor;
    let id = e.id;
    let ov = state.svc.overview(actor, id, &filter).await?;
    let boards = state
        .svc
        .board_attention(actor, id)
        .await?
        .into_iter()
        .filter(|b| {
            (filter.areas.is_empty() || filter.areas.contains(&b.area_id))
                && (filter.work_locations.is_empty()
                    || filter.work_locations.contains(&b.warning.work_location))
        })
        .map(|b| OvBoard {
            location: b.warning.work_location,
            problem: b.warning.message_da(),
            title: b.title,
            area: b.area,
        })
        .collect();
    let charts = Charts::of(&ov, e.title.as_str());
    let rows: usize = ov
        .areas
        .iter()
        .flat_map(|a| &a.locations)
        .map(|l| l.rows.len())
        .sum();
    let all_detailed = rows <= DETAIL_ROWS;
    let narrowed = !filter.areas.is_empty() || !filter.work_locations.is_empty();
    let areas = ov
        .areas
        .into_iter()
        .map(|a| OvArea {
            id: a.area,
            detailed: all_detailed || narrowed,
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
        filters,
        errors,
        boards,
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
        charts,
    };
    Ok((format!("Oversigt – {}", e.title), content.render()?))
}
