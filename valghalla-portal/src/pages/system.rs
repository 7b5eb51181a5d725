//! What is not a page area: the front page (each kind of user to their start page), the style
//! sheet, `/healthz` for the load balancer, and the answer for an unknown path.

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use valghalla::core::rules::access::Actor;

use crate::state::{PortalState, Tenant};
use crate::web::{AppError, Viewer};

/// The routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/", get(home))
        .route("/static/portal.css", get(stylesheet))
        .route("/static/portal.js", get(script))
        .route("/healthz", get(healthz))
}

/// The style sheet.
async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/portal.css"),
    )
        .into_response()
}

/// The one script: a link field selects itself on focus (the pages work without it).
async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/portal.js"),
    )
        .into_response()
}

/// GET /healthz: 200 when the municipality's store answers, 503 when it does not.
async fn healthz(state: Tenant) -> Response {
    match state.svc.health().await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(tenant = %state.name, error = %e, "health check: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the store does not answer").into_response()
        }
    }
}

/// The page for an unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// The front page: each kind of user goes to their start page.
async fn home(viewer: Viewer) -> Redirect {
    match &viewer.actor {
        Actor::Secretariat { .. } => Redirect::to("/sekretariat"),
        Actor::Person(_) => Redirect::to("/mine-opgaver"),
        _ if viewer.user_label().is_some() => Redirect::to("/min-profil"),
        _ => Redirect::to("/login"),
    }
}
