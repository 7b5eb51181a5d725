//! The contact page, `{base}/kontakt`: how to reach the election secretariat. Every message
//! links to it, and a logged-in person finds "Skriv til sekretariatet" here (`/beskeder/ny`).

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use valghalla::core::rules::access::Actor;

use crate::state::{PortalState, Tenant};
use crate::web::{AppError, Layout, Viewer, render};

/// The contact area's routes.
pub fn router() -> Router<PortalState> {
    Router::new().route("/kontakt", get(contact))
}

#[derive(Template)]
#[template(path = "kontakt.html")]
struct ContactPage {
    layout: Layout,
    municipality: String,
    email: Option<String>,
    phone: Option<String>,
    hours: Option<String>,
    logged_in: bool,
    /// Whether the viewer may write to the secretariat here (a logged-in person).
    writes: bool,
}

/// GET /kontakt (public).
async fn contact(state: Tenant, viewer: Viewer) -> Result<Response, AppError> {
    let municipality = state.svc.municipality(&Actor::Anonymous).await?;
    let c = state.contact();
    render(&ContactPage {
        layout: viewer.layout("Kontakt valgsekretariatet"),
        municipality: municipality.name.to_string(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        hours: c.hours.clone(),
        logged_in: viewer.identity().is_some(),
        writes: matches!(viewer.actor, Actor::Person(_)),
    })
}
