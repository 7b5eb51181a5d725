//! Who is looking at a page: [`Viewer`] (anyone) and [`Me`] (someone logged in), extracted
//! from the request's session.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_cookies::Cookies;
use tower_sessions::Session;
use valghalla_core::ids::ParticipantId;
use valghalla_core::rules::access::{Actor, StaffRole};

use crate::auth::Identity;
use crate::state::{PortalState, Tenant};
use crate::web::csrf;
use crate::web::error::AppError;
use crate::web::layout::{Layout, NavItem};
use crate::web::session::{KEY, RENEW_AFTER_SECS, SessionData, now_secs};

/// Whoever is looking at a page: their login (if any) and the actor the core sees.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The login, as it was when the request came in.
    pub session: Option<SessionData>,
    /// The one-time message for this page.
    pub flash: Option<String>,
    /// The actor for service calls.
    pub actor: Actor,
    /// Whether the portal runs on demo data.
    pub demo: bool,
    handle: Session,
    /// The CSRF token of an anonymous visitor (from their signed cookie).
    anonymous_csrf: String,
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::Session(e.to_string())
}

impl Viewer {
    /// The viewer of a request: its tenant, the session handle and the cookies.
    pub(crate) async fn resolve(
        portal: &PortalState,
        tenant: Tenant,
        handle: Session,
        cookies: Option<&Cookies>,
    ) -> Result<Viewer, AppError> {
        let mut data: Option<SessionData> = handle.get(KEY).await.map_err(session_error)?;
        let now = now_secs();
        let lifetime =
            i64::try_from(portal.config().sessions.absolute_lifetime.as_secs()).unwrap_or(i64::MAX);
        if data
            .as_ref()
            .is_some_and(|d| d.tenant != tenant.name || now.saturating_sub(d.started) > lifetime)
        {
            // Another municipality's login, or one past its absolute lifetime: it ends here.
            handle.flush().await.map_err(session_error)?;
            data = None;
        }
        let mut flash = None;
        if let Some(d) = &mut data {
            let mut changed = false;
            if d.flash.is_some() {
                // A flash message is shown once.
                flash = d.flash.take();
                changed = true;
            }
            if now.saturating_sub(d.renewed) >= RENEW_AFTER_SECS {
                // Saving renews the store's idle expiry and the cookie.
                d.renewed = now;
                changed = true;
            }
            if changed {
                handle.insert(KEY, &*d).await.map_err(session_error)?;
            }
        }
        let actor = actor_for(&tenant, data.as_ref()).await;
        if let (Some(d), Actor::Anonymous) = (&mut data, &actor)
            && d.participant.is_some()
        {
            // A citizen whose participant was deleted is a citizen without one again.
            d.participant = None;
            handle.insert(KEY, &*d).await.map_err(session_error)?;
        }
        let anonymous_csrf = match (&data, cookies) {
            (None, Some(c)) => {
                csrf::anonymous_token(c, portal.sessions().key(), portal.config().is_https())
            }
            _ => String::new(),
        };
        Ok(Viewer {
            demo: tenant.auth.is_demo(),
            session: data,
            flash,
            actor,
            handle,
            anonymous_csrf,
        })
    }

    /// The display name of who is logged in.
    pub fn user_label(&self) -> Option<String> {
        self.identity().map(|i| i.display_name().to_owned())
    }

    /// Who is logged in.
    pub fn identity(&self) -> Option<&Identity> {
        self.session.as_ref().and_then(|s| s.identity.as_ref())
    }

    /// The CSRF token for forms.
    pub fn csrf(&self) -> String {
        match &self.session {
            Some(s) => s.csrf.clone(),
            None => self.anonymous_csrf.clone(),
        }
    }

    /// The citizen's participant.
    pub fn participant(&self) -> Option<ParticipantId> {
        self.session.as_ref().and_then(|s| s.participant)
    }

    /// Changes the stored login (nothing happens for an anonymous visitor).
    pub async fn update(&self, change: impl FnOnce(&mut SessionData)) -> Result<(), AppError> {
        let current: Option<SessionData> = self.handle.get(KEY).await.map_err(session_error)?;
        if let Some(mut d) = current {
            change(&mut d);
            self.handle.insert(KEY, d).await.map_err(session_error)?;
        }
        Ok(())
    }

    /// The draft a page area keeps under `name`, if any (and if it still reads).
    pub fn draft<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let value = self.session.as_ref()?.drafts.get(name)?;
        serde_json::from_value(value.clone()).ok()
    }

    /// Keeps (`Some`) or forgets (`None`) the draft of a page area.
    pub async fn set_draft<T: serde::Serialize>(
        &self,
        name: &str,
        value: Option<&T>,
    ) -> Result<(), AppError> {
        let value = value
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| AppError::Session(e.to_string()))?;
        self.update(|s| match value {
            Some(v) => {
                s.drafts.insert(name.to_owned(), v);
            }
            None => {
                s.drafts.remove(name);
            }
        })
        .await
    }

    /// Starts a login: a new session id (no fixation), a new CSRF token.
    pub async fn log_in(&self, data: SessionData) -> Result<(), AppError> {
        self.handle.cycle_id().await.map_err(session_error)?;
        self.handle.clear().await;
        self.handle.insert(KEY, data).await.map_err(session_error)
    }

    /// Starts the login of `identity`, whom an identity provider has vouched for: a citizen is
    /// the participant with their CPR number, if any.
    pub async fn log_in_as(&self, tenant: &Tenant, identity: Identity) -> Result<(), AppError> {
        let participant = match &identity {
            Identity::Citizen { cpr, .. } => tenant.svc.participant_for_login(cpr).await?,
            Identity::Staff { .. } => None,
        };
        let mut data = SessionData::login(&tenant.name, identity, now_secs());
        data.participant = participant;
        self.log_in(data).await
    }

    /// Ends the login: the stored session is deleted and the cookie removed.
    pub async fn log_out(&self) -> Result<(), AppError> {
        self.handle.flush().await.map_err(session_error)
    }

    /// The layout of a page called `title`, with the menu for the viewer's roles.
    pub fn layout(&self, title: impl Into<String>) -> Layout {
        let mut nav = Vec::new();
        match &self.actor {
            Actor::Secretariat { .. } => {
                nav.push(NavItem::new("/sekretariat", "Valg og oversigt"));
                nav.push(NavItem::new("/sekretariat/deltagere", "Deltagere"));
                nav.push(NavItem::new("/sekretariat/stamdata", "Stamdata"));
                nav.push(NavItem::new("/sekretariat/links", "Links"));
                nav.push(NavItem::new("/sekretariat/kommunikation", "Kommunikation"));
                nav.push(NavItem::new("/sekretariat/valgdag", "Valgdag"));
                nav.push(NavItem::new("/sekretariat/drift", "Drift"));
                nav.push(NavItem::new("/sekretariat/log", "Log"));
            }
            Actor::Person(p) => {
                nav.push(NavItem::new("/mine-opgaver", "Mine opgaver"));
                nav.push(NavItem::new("/min-profil", "Min profil"));
                if !p.responsible_for_teams.is_empty() {
                    nav.push(NavItem::new("/parti", "Parti"));
                }
                if !p.responsible_for_locations.is_empty() {
                    nav.push(NavItem::new("/arbejdssted", "Arbejdssted"));
                    nav.push(NavItem::new("/valgdag", "Valgdag"));
                }
                nav.push(NavItem::new("/kontakt", "Kontakt"));
            }
            _ => {}
        }
        Layout {
            title: title.into(),
            demo: self.demo,
            csrf: self.csrf(),
            nav,
            user: self.user_label(),
            flash: self.flash.clone(),
        }
    }

    /// Whether the viewer is a secretariat administrator.
    pub fn is_admin(&self) -> bool {
        matches!(
            self.actor,
            Actor::Secretariat {
                role: StaffRole::Administrator,
                ..
            }
        )
    }
}

/// The actor for a login.
async fn actor_for(tenant: &Tenant, session: Option<&SessionData>) -> Actor {
    match session.and_then(|s| s.identity.as_ref()) {
        Some(Identity::Staff { user, role, .. }) => Actor::Secretariat {
            user: user.clone(),
            role: *role,
        },
        Some(Identity::Citizen { .. }) => match session.and_then(|s| s.participant) {
            Some(p) => tenant.svc.person_actor(p).await.unwrap_or(Actor::Anonymous),
            None => Actor::Anonymous,
        },
        None => Actor::Anonymous,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Tenant>()
            .cloned()
            .ok_or(AppError::UnknownHost)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let tenant = Tenant::from_request_parts(parts, state).await?;
        let portal = parts
            .extensions
            .get::<PortalState>()
            .cloned()
            .ok_or(AppError::UnknownHost)?;
        let handle = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::Session("no session layer".into()))?;
        let cookies = parts.extensions.get::<Cookies>().cloned();
        Viewer::resolve(&portal, tenant, handle, cookies.as_ref()).await
    }
}

/// A viewer who must be logged in; anyone else is sent to the login page.
#[derive(Debug, Clone)]
pub struct Me(pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if viewer.identity().is_none() {
            let next = parts.uri.path().to_owned();
            return Err(AppError::Login(next));
        }
        Ok(Me(viewer))
    }
}
