//! The login and logout pages. Who someone is comes from the tenant's [`Authenticator`]; a
//! login starts a new session (a new id, so a session id planted before login is worthless)
//! and logging out deletes it. Attempts are limited per address and per identity.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::auth::{Identity, LoginOption};
use crate::limits::ClientAddress;
use crate::state::{PortalState, Tenant};
use crate::web::guard::safe_next;
use crate::web::session::{SessionData, now_secs};
use crate::web::{AppError, FormData, Layout, Viewer, render};

/// The login area's routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

/// `?next=` on the login page.
#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    options: Vec<LoginOption>,
    next: String,
    error: Option<String>,
}

/// GET /login: the login page (nothing is stored: the form's CSRF token is in a signed cookie).
async fn login_page(
    state: Tenant,
    viewer: Viewer,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let page = LoginPage {
        layout: viewer.layout("Log ind"),
        options: state.auth.options(),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    render(&page)
}

/// POST /login: completes the login and starts a new session.
async fn login(
    state: Tenant,
    State(portal): State<PortalState>,
    viewer: Viewer,
    ClientAddress(address): ClientAddress,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(form.get("next")));
    let attempt = state.auth.attempt_key(&form);
    if !portal.login_limits().allow(address, &attempt) {
        tracing::warn!(tenant = %state.name, "login attempts limited");
        return Err(AppError::TooManyAttempts);
    }
    let identity = match state.auth.complete(&form).await {
        Ok(i) => i,
        Err(e) => {
            let page = LoginPage {
                layout: viewer.layout("Log ind"),
                options: state.auth.options(),
                next,
                error: Some(e.0),
            };
            return render(&page);
        }
    };
    let participant = match &identity {
        Identity::Citizen { cpr, .. } => state.svc.participant_for_login(cpr).await?,
        Identity::Staff { .. } => None,
    };
    let mut data = SessionData::login(&state.name, identity, now_secs());
    data.participant = participant;
    viewer.log_in(data).await?;
    Ok(Redirect::to(&next).into_response())
}

/// POST /logout: ends the session.
async fn logout(viewer: Viewer) -> Result<Response, AppError> {
    viewer.log_out().await?;
    Ok(Redirect::to("/login").into_response())
}
