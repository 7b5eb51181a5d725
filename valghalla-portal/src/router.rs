//! The router: every page area's routes, merged in the order a reader would read them, and the
//! layers every request passes, in one place.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use tower_http::limit::RequestBodyLimitLayer;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::pages::{
    citizen, contact, election_day, location, login, party, printouts, secretariat, system, threads,
};
use crate::state::{PortalState, Tenant};
use crate::web::error_pages::{error_pages, session_store_failures};
use crate::web::guard::{log_requests, security_headers};
use crate::web::{AppError, confirm, csrf, session};

/// The portal as an axum router over `state`: mount it in a host's own application, or serve
/// it with [`crate::serve`]. Give it the client's address (`into_make_service_with_connect_info`)
/// so login attempts are limited per address.
pub fn router(state: PortalState) -> Router {
    let config = state.config();
    let idle =
        time::Duration::try_from(config.sessions.idle_timeout).unwrap_or(time::Duration::HOUR);
    let sessions = SessionManagerLayer::new(state.sessions().clone())
        .with_name(session::COOKIE)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(config.is_https())
        .with_expiry(Expiry::OnInactivity(idle));
    let max_body = config.max_body_bytes;
    let routes = Router::new().merge(system::router()).merge(login::router());
    #[cfg(feature = "oidc")]
    let routes = routes.merge(crate::pages::oidc::router());
    routes
        .merge(secretariat::router())
        .merge(party::router())
        .merge(location::router())
        .merge(citizen::router())
        .merge(contact::router())
        .merge(threads::router())
        .merge(election_day::router())
        .merge(printouts::router())
        .fallback(system::not_found)
        // Innermost first: each layer below wraps the ones above it.
        .layer(from_fn(invalidate_on_post))
        // A destructive POST is confirmed first (web/confirm.rs), after its CSRF check.
        .layer(from_fn_with_state(
            state.clone(),
            confirm::confirm_destructive,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::check))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(from_fn_with_state(state.clone(), error_pages))
        .layer(sessions)
        .layer(from_fn(session_store_failures))
        .layer(from_fn_with_state(state.clone(), resolve_tenant))
        .layer(from_fn(security_headers))
        .layer(from_fn(log_requests))
        .with_state(state)
}

/// Middleware: the municipality a request is for, chosen by its host name.
async fn resolve_tenant(
    State(portal): State<PortalState>,
    mut req: Request,
    next: Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    let Some(tenant) = portal.tenant_for_host(host.as_deref()) else {
        return AppError::UnknownHost.into_response();
    };
    req.extensions_mut().insert(tenant);
    req.extensions_mut().insert(portal);
    next.run(req).await
}

/// Middleware: any POST may change data, so it empties the municipality's page cache.
async fn invalidate_on_post(req: Request, next: Next) -> Response {
    let tenant = (req.method() == Method::POST)
        .then(|| req.extensions().get::<Tenant>().cloned())
        .flatten();
    let res = next.run(req).await;
    if let Some(t) = tenant {
        t.forget_rendered_pages();
    }
    res
}
