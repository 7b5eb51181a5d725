//! Logging in: the [`Authenticator`] a municipality plugs in (SAML/OIDC: MitID for citizens,
//! its own directory for staff), the demo authenticator, and the login and logout pages.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use valghalla::core::Cpr;
use valghalla::core::rules::access::StaffRole;

use crate::web::{AppError, FormData, Layout, Shared, Viewer, render, session_cookie};

/// Who logged in, as the identity provider vouches for them.
#[derive(Debug, Clone)]
pub enum Identity {
    /// Someone in the election secretariat (from the municipality's directory).
    Staff {
        /// User name (for the audit log).
        user: String,
        /// Display name.
        name: String,
        /// Role.
        role: StaffRole,
    },
    /// A citizen, authenticated with MitID: their CPR number comes from the identity provider,
    /// never from a URL. It is only kept in the server-side session.
    Citizen {
        /// CPR number.
        cpr: Cpr,
        /// Display name.
        name: String,
    },
}

impl Identity {
    /// The name shown in the page header.
    pub fn display_name(&self) -> &str {
        match self {
            Identity::Staff { name, .. } | Identity::Citizen { name, .. } => name,
        }
    }
}

/// A way to log in offered on the login page.
#[derive(Debug, Clone)]
pub struct LoginOption {
    /// The value posted when it is chosen.
    pub key: String,
    /// Its label.
    pub label: String,
    /// What it is.
    pub description: String,
}

/// Why a login failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct AuthError(pub String);

/// How people log in. A municipality implements it over its identity providers: MitID (OIDC
/// through a broker) for citizens, its directory (SAML, Entra ID …) for staff.
#[async_trait::async_trait]
pub trait Authenticator: Send + Sync {
    /// Whether this is the demo authenticator: the portal then shows a demo banner everywhere.
    fn is_demo(&self) -> bool;

    /// What the login page offers (a real provider offers "Log ind med MitID" and
    /// "Medarbejderlogin", each posting to the provider's start).
    fn options(&self) -> Vec<LoginOption>;

    /// Completes a login from the posted form (a real provider: the SAML response or the OIDC
    /// callback) and says who it is.
    async fn complete(&self, form: &FormData) -> Result<Identity, AuthError>;
}

/// The demo authenticator: pick one of a few fictional identities. Only used on demo data.
#[derive(Debug, Clone, Default)]
pub struct DemoAuthenticator {
    identities: Vec<(LoginOption, Identity)>,
}

impl DemoAuthenticator {
    /// A demo authenticator offering `identities`.
    pub fn new(identities: Vec<(LoginOption, Identity)>) -> Self {
        DemoAuthenticator { identities }
    }
}

#[async_trait::async_trait]
impl Authenticator for DemoAuthenticator {
    fn is_demo(&self) -> bool {
        true
    }

    fn options(&self) -> Vec<LoginOption> {
        self.identities.iter().map(|(o, _)| o.clone()).collect()
    }

    async fn complete(&self, form: &FormData) -> Result<Identity, AuthError> {
        let key = form.get("identitet");
        self.identities
            .iter()
            .find(|(o, _)| o.key == key)
            .map(|(_, i)| i.clone())
            .ok_or_else(|| AuthError("Vælg en identitet.".into()))
    }
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

/// Only local paths are followed after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// GET /login: the login page (a session is started so the form carries a CSRF token).
pub async fn login_page(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let (viewer, cookie) = match &viewer.session {
        Some(_) => (viewer, None),
        None => {
            let s = state.sessions.create(None).await;
            let cookie = session_cookie(&s.id);
            (
                Viewer {
                    session: Some(s),
                    ..viewer
                },
                Some(cookie),
            )
        }
    };
    let page = LoginPage {
        layout: viewer.layout("Log ind"),
        options: state.auth.options(),
        next: safe_next(q.next.as_deref()),
        error: None,
    };
    let mut res = render(&page)?;
    if let Some(c) = cookie
        && let Ok(v) = c.parse()
    {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// POST /login: completes the login and starts a new session (a fresh id: no fixation).
pub async fn login(
    State(state): State<Shared>,
    viewer: Viewer,
    Form(form): Form<FormData>,
) -> Result<Response, AppError> {
    let next = safe_next(Some(form.get("next")));
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
    state.sessions.remove(viewer.session_id()).await;
    let s = state.sessions.create(Some(identity)).await;
    state
        .sessions
        .update(&s.id, |s| s.participant = participant)
        .await;
    let mut res = Redirect::to(&next).into_response();
    if let Ok(v) = session_cookie(&s.id).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// POST /logout: ends the session.
pub async fn logout(State(state): State<Shared>, viewer: Viewer) -> Response {
    state.sessions.remove(viewer.session_id()).await;
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        crate::web::SESSION_COOKIE
    )
    .parse()
    {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
