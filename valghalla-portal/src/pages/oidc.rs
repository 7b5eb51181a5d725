//! The OpenID Connect login's pages (feature `oidc`): the start of a login (a redirect to the
//! provider), the provider's answer (the callback), and the page the provider sends people to
//! after logging out. They serve only a municipality whose authenticator is an
//! [`OidcLogin`]; elsewhere they are not found.
//!
//! A refused answer is a Danish page ([`LoginRefused`]) and starts no session; the log gets
//! the refusal's code, never a claim, code or token.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;
use tower_cookies::Cookies;

use crate::auth::oidc::{Kind, LOGGED_OUT_PATH, LoginRefused, OidcLogin, PendingLogins};
use crate::limits::ClientAddress;
use crate::state::{PortalState, Tenant};
use crate::web::error::{ErrorInfo, bare_page};
use crate::web::guard::safe_next;
use crate::web::session::now_secs;
use crate::web::{AppError, Layout, Viewer, render};

/// The OpenID Connect routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/auth/{kind}/login", get(start))
        .route("/auth/{kind}/callback", get(callback))
        .route(LOGGED_OUT_PATH, get(logged_out))
}

/// `?next=` of a login's start.
#[derive(Debug, Deserialize)]
struct Start {
    next: Option<String>,
}

/// The provider's answer (RFC 6749 §4.1.2, RFC 9207's `iss`).
#[derive(Deserialize)]
struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// The login and provider of `kind` for this municipality, or "not found".
fn provider_of<'a>(state: &'a Tenant, kind: &str) -> Result<(Kind, &'a OidcLogin), AppError> {
    let kind = Kind::from_path(kind).ok_or(AppError::NotFound)?;
    let login = state.auth.oidc().ok_or(AppError::NotFound)?;
    login.provider(kind).ok_or(AppError::NotFound)?;
    Ok((kind, login))
}

/// The page of a refused login.
fn refused(state: &Tenant, kind: Kind, why: LoginRefused) -> Response {
    tracing::warn!(tenant = %state.name, provider = kind.path(), reason = why.code(), "login refused");
    bare_page(
        why.status(),
        ErrorInfo {
            heading: why.heading().to_owned(),
            message: why.message().to_owned(),
        },
        Some("/login".into()),
    )
}

/// GET /auth/{kind}/login: starts a login at the provider of `kind`.
async fn start(
    state: Tenant,
    State(portal): State<PortalState>,
    ClientAddress(address): ClientAddress,
    Path(kind): Path<String>,
    Query(q): Query<Start>,
    Extension(cookies): Extension<Cookies>,
) -> Result<Response, AppError> {
    let (kind, login) = provider_of(&state, &kind)?;
    if !portal.login_limits().allow(address, "") {
        tracing::warn!(tenant = %state.name, "login attempts limited");
        return Err(AppError::TooManyAttempts);
    }
    let now = now_secs();
    let next = safe_next(q.next.as_deref());
    let provider = login.provider(kind).ok_or(AppError::NotFound)?;
    let (url, pending) = match provider.begin(login.http(), next, now).await {
        Ok(started) => started,
        Err(why) => return Ok(refused(&state, kind, why)),
    };
    let key = portal.sessions().key();
    let mut logins = PendingLogins::read(&cookies, key, now);
    logins.push(pending);
    logins.write(&cookies, key, portal.config().is_https());
    Ok(Redirect::to(&url).into_response())
}

/// GET /auth/{kind}/callback: the provider's answer. Completes the login (a new session) or
/// refuses it (no session).
async fn callback(
    state: Tenant,
    State(portal): State<PortalState>,
    viewer: Viewer,
    Path(kind): Path<String>,
    Query(answer): Query<Answer>,
    Extension(cookies): Extension<Cookies>,
) -> Result<Response, AppError> {
    let (kind, login) = provider_of(&state, &kind)?;
    let key = portal.sessions().key();
    let mut logins = PendingLogins::read(&cookies, key, now_secs());
    let pending = answer.state.as_deref().and_then(|s| logins.take(kind, s));
    // Taken out whatever follows: an answer is used once.
    logins.write(&cookies, key, portal.config().is_https());
    let Some(pending) = pending else {
        return Ok(refused(&state, kind, LoginRefused::NoPendingLogin));
    };
    let code = match (answer.error, answer.code) {
        (None, Some(code)) => code,
        _ => return Ok(refused(&state, kind, LoginRefused::ProviderRefused)),
    };
    let next = pending.next.clone();
    let provider = login.provider(kind).ok_or(AppError::NotFound)?;
    let identity = match provider
        .finish(login.http(), pending, &code, answer.iss.as_deref())
        .await
        .and_then(|claims| login.identity(kind, &claims))
    {
        Ok(identity) => identity,
        Err(why) => return Ok(refused(&state, kind, why)),
    };
    viewer.log_in_as(&state, identity).await?;
    tracing::info!(tenant = %state.name, provider = kind.path(), "logged in");
    Ok(Redirect::to(&next).into_response())
}

#[derive(Template)]
#[template(path = "logged_out.html")]
struct LoggedOutPage {
    layout: Layout,
}

/// GET /auth/logget-ud: where the provider sends people after logging out there too.
async fn logged_out(viewer: Viewer) -> Result<Response, AppError> {
    render(&LoggedOutPage {
        layout: viewer.layout("Du er logget ud"),
    })
}
