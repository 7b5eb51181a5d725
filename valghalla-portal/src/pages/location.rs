//! Work-location responsibles: the staff of their stations with contact details.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use valghalla::core::ids::WorkLocationId;
use valghalla::core::rules::access::Actor;

use crate::state::{PortalState, Tenant};
use crate::web::forms::ElectionQuery;
use crate::web::views::{CountsView, da_date, pick_election};
use crate::web::{AppError, Layout, Me, render};

/// The work-location area's routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/arbejdssted", get(locations))
        .route("/arbejdssted/{location}", get(staff))
}

struct LocationLink {
    id: WorkLocationId,
    title: String,
}

#[derive(Template)]
#[template(path = "arbejdssted/liste.html")]
struct LocationsPage {
    layout: Layout,
    locations: Vec<LocationLink>,
}

/// GET /arbejdssted: the stations the person is responsible for.
pub async fn locations(state: Tenant, me: Me) -> Result<Response, AppError> {
    let mine = match &me.0.actor {
        Actor::Person(p) => p.responsible_for_locations.clone(),
        _ => Default::default(),
    };
    let locations = state
        .svc
        .work_locations(&me.0.actor)
        .await?
        .into_iter()
        .filter(|l| mine.contains(&l.id))
        .map(|l| LocationLink {
            id: l.id,
            title: l.title.to_string(),
        })
        .collect();
    let page = LocationsPage {
        layout: me.0.layout("Mine arbejdssteder"),
        locations,
    };
    render(&page)
}

struct Person {
    name: String,
    mobile: String,
    email: String,
    age: i32,
    task_type: String,
    team: String,
}

struct Day {
    label: String,
    counts: CountsView,
    people: Vec<Person>,
}

#[derive(Template)]
#[template(path = "arbejdssted/personale.html")]
struct StaffPage {
    layout: Layout,
    title: String,
    election_title: String,
    days: Vec<Day>,
    print_href: String,
}

/// GET /arbejdssted/{location}: the accepted staff per day with contact details.
pub async fn staff(
    state: Tenant,
    me: Me,
    Path(location): Path<WorkLocationId>,
    Query(q): Query<ElectionQuery>,
) -> Result<Response, AppError> {
    let actor = &me.0.actor;
    let wanted = q.election();
    let e = pick_election(&state.svc, actor, wanted)
        .await?
        .ok_or(AppError::NotFound)?;
    // The core refuses anyone not responsible for the location.
    let days = state
        .svc
        .location_staff(actor, e.id, location)
        .await?
        .into_iter()
        .map(|d| Day {
            label: da_date(d.date),
            counts: d.counts.into(),
            people: d
                .people
                .into_iter()
                .map(|p| Person {
                    name: p.name,
                    mobile: p.mobile.unwrap_or_default(),
                    email: p.email.unwrap_or_default(),
                    age: p.age,
                    task_type: p.task_type,
                    team: p.team,
                })
                .collect(),
        })
        .collect();
    let title = state
        .svc
        .work_locations(actor)
        .await?
        .into_iter()
        .find(|l| l.id == location)
        .map(|l| l.title.to_string())
        .unwrap_or_default();
    let page = StaffPage {
        layout: me.0.layout(format!("Personale – {title}")),
        title,
        election_title: e.title.to_string(),
        days,
        print_href: format!("/udskrift/valgsted/{location}?valg={}", e.id),
    };
    render(&page)
}
