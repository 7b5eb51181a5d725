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

use crate::auth::LoginOption;
use crate::limits::ClientAddress;
use crate::state::{PortalState, Tenant};
use crate::web::guard::{encode_path, safe_next};
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
    /// Chosen in the form (the demo's identities).
    options: Vec<LoginOption>,
    /// Links to an identity provider's login, with `?next=`.
    providers: Vec<(LoginOption, String)>,
    next: String,
    error: Option<String>,
}

impl LoginPage {
    fn new(viewer: &Viewer, state: &Tenant, next: String, error: Option<String>) -> Self {
        let (providers, options): (Vec<_>, Vec<_>) = state
            .auth
            .options()
            .into_iter()
            .partition(|o| o.start.is_some());
        let providers = providers
            .into_iter()
            .map(|o| {
                let href = format!(
                    "{}?next={}",
                    o.start.as_deref().unwrap_or_default(),
                    encode_path(&next)
                );
                (o, href)
            })
            .collect();
        LoginPage {
            layout: viewer.layout("Log ind"),
            options,
            providers,
            next,
            error,
        }
    }
}

/// The page shown after logging out of the portal while the browser goes on to end the login
/// at the identity provider (a redirect after a form's POST would be stopped by the
/// `form-action 'self'` policy, so the page sends the browser on).
#[derive(Template)]
#[template(path = "logging_out.html")]
struct LoggingOutPage {
    layout: Layout,
    provider_url: String,
}

/// GET /login: the login page (nothing is stored: the form's CSRF token is in a signed cookie).
async fn login_page(
    state: Tenant,
    viewer: Viewer,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let page = LoginPage::new(&viewer, &state, safe_next(q.next.as_deref()), None);
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
            let page = LoginPage::new(&viewer, &state, next, Some(e.0));
            return render(&page);
        }
    };
    viewer.log_in_as(&state, identity).await?;
    Ok(Redirect::to(&next).into_response())
}

/// POST /logout: ends the session, and sends the browser on to end the login at the identity
/// provider when the login came from one.
async fn logout(state: Tenant, viewer: Viewer) -> Result<Response, AppError> {
    let provider_url = match viewer.identity() {
        Some(identity) => state.auth.end_session_url(identity).await,
        None => None,
    };
    viewer.log_out().await?;
    match provider_url {
        Some(provider_url) => render(&LoggingOutPage {
            layout: Layout::bare("Du bliver logget ud"),
            provider_url,
        }),
        None => Ok(Redirect::to("/login").into_response()),
    }
}
