//! What every page shares: the application state, sessions, the logged-in viewer, the layout,
//! errors as Danish pages, posted forms, security headers and Danish date formatting.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use tokio::sync::RwLock;
use valghalla::Valghalla;
use valghalla::core::DanishMessage;
use valghalla::core::ids::{ElectionId, ParticipantId};
use valghalla::core::model::{Election, SeatStatus};
use valghalla::core::rules::access::{Actor, StaffRole};

use crate::auth::{Authenticator, Identity};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "vh_session";

/// Everything the handlers share.
pub struct AppState {
    /// The service.
    pub svc: Valghalla,
    /// How people log in.
    pub auth: Arc<dyn Authenticator>,
    /// The server-side sessions.
    pub sessions: Sessions,
    /// Rendered page content shared between viewers.
    pub cache: PageCache,
}

/// Rendered content of expensive pages (the overview), shared by viewers with the same role.
/// An entry lives until any POST through this portal (which may have changed data) or for
/// [`PageCache::TTL`] (for changes made elsewhere, e.g. another portal on the same database).
#[derive(Debug, Default)]
pub struct PageCache {
    generation: std::sync::atomic::AtomicU64,
    entries: RwLock<HashMap<String, CacheEntry>>,
    compute: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct CacheEntry {
    generation: u64,
    at: std::time::Instant,
    content: Arc<(String, String)>,
}

impl PageCache {
    /// How long content made before a change elsewhere may be shown.
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(2);

    /// Forgets everything (after a change).
    pub fn invalidate(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    async fn fresh(&self, key: &str) -> Option<Arc<(String, String)>> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        self.entries.read().await.get(key).and_then(|e| {
            (e.generation == generation && e.at.elapsed() < Self::TTL).then(|| e.content.clone())
        })
    }

    /// The content under `key`, rendering it with `render` when missing or stale (one render
    /// at a time, so a burst of requests renders once).
    pub async fn get_or_render<F, Fut>(
        &self,
        key: String,
        render: F,
    ) -> Result<Arc<(String, String)>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(String, String), AppError>>,
    {
        if let Some(c) = self.fresh(&key).await {
            return Ok(c);
        }
        let _one = self.compute.lock().await;
        if let Some(c) = self.fresh(&key).await {
            return Ok(c);
        }
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        let content = Arc::new(render().await?);
        let mut entries = self.entries.write().await;
        if entries.len() > 256 {
            entries.clear();
        }
        entries.insert(
            key,
            CacheEntry {
                generation,
                at: std::time::Instant::now(),
                content: content.clone(),
            },
        );
        Ok(content)
    }
}

/// Middleware: any POST may change data, so it empties the page cache.
pub async fn invalidate_on_post(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let post = req.method() == axum::http::Method::POST;
    let res = next.run(req).await;
    if post {
        state.cache.invalidate();
    }
    res
}

/// The shared state as handlers receive it.
pub type Shared = Arc<AppState>;

/// One browser's session, kept on the server; the browser only holds its random id.
#[derive(Debug, Clone)]
pub struct Session {
    /// The random id in the cookie.
    pub id: String,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
    /// Who logged in (`None`: nobody yet).
    pub identity: Option<Identity>,
    /// The participant a citizen is, once known.
    pub participant: Option<ParticipantId>,
    /// A message for the next page.
    pub flash: Option<String>,
    /// An auto-fill proposal waiting to be confirmed.
    pub proposal: Option<Arc<valghalla::core::autofill::FillProposal>>,
    /// A seat distribution proposed from the council's composition, waiting to be confirmed,
    /// and the council's numbers as the secretary last entered them.
    pub distribution: Option<Arc<crate::distribution::PendingDistribution>>,
}

/// The session map.
#[derive(Debug, Clone, Default)]
pub struct Sessions(Arc<RwLock<HashMap<String, Session>>>);

/// 256 random bits as hex (thread-local CSPRNG, seeded from the OS).
pub fn random_token() -> String {
    format!(
        "{:032x}{:032x}",
        rand::random::<u128>(),
        rand::random::<u128>()
    )
}

impl Sessions {
    /// The session with `id`.
    pub async fn get(&self, id: &str) -> Option<Session> {
        self.0.read().await.get(id).cloned()
    }

    /// A fresh session (new id and CSRF token).
    pub async fn create(&self, identity: Option<Identity>) -> Session {
        let s = Session {
            id: random_token(),
            csrf: random_token(),
            identity,
            participant: None,
            flash: None,
            proposal: None,
            distribution: None,
        };
        self.0.write().await.insert(s.id.clone(), s.clone());
        s
    }

    /// Changes the session `id`, if it exists.
    pub async fn update(&self, id: &str, change: impl FnOnce(&mut Session)) {
        if let Some(s) = self.0.write().await.get_mut(id) {
            change(s);
        }
    }

    /// Ends the session `id`.
    pub async fn remove(&self, id: &str) {
        self.0.write().await.remove(id);
    }
}

/// The `Set-Cookie` value for session `id`.
pub fn session_cookie(id: &str) -> String {
    format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax")
}

/// The session id in the request's cookies.
pub fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// Whoever is looking at a page: their session (if any) and the actor the core sees.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The session.
    pub session: Option<Session>,
    /// The actor for service calls.
    pub actor: Actor,
    /// Whether the portal runs on demo data.
    pub demo: bool,
}

impl Viewer {
    /// The display name of who is logged in.
    pub fn user_label(&self) -> Option<String> {
        self.session
            .as_ref()
            .and_then(|s| s.identity.as_ref())
            .map(|i| i.display_name().to_owned())
    }

    /// The CSRF token for forms (empty without a session).
    pub fn csrf(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.csrf.clone())
            .unwrap_or_default()
    }

    /// The session id (empty without a session).
    pub fn session_id(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.id.as_str())
    }

    /// The citizen's participant.
    pub fn participant(&self) -> Option<ParticipantId> {
        self.session.as_ref().and_then(|s| s.participant)
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
                }
            }
            _ => {}
        }
        Layout {
            title: title.into(),
            demo: self.demo,
            csrf: self.csrf(),
            nav,
            user: self.user_label(),
            flash: self.session.as_ref().and_then(|s| s.flash.clone()),
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

/// The actor for a session.
pub async fn actor_for(state: &AppState, session: Option<&Session>) -> Actor {
    match session.and_then(|s| s.identity.as_ref()) {
        Some(Identity::Staff { user, role, .. }) => Actor::Secretariat {
            user: user.clone(),
            role: *role,
        },
        Some(Identity::Citizen { .. }) => match session.and_then(|s| s.participant) {
            Some(p) => state.svc.person_actor(p).await.unwrap_or(Actor::Anonymous),
            None => Actor::Anonymous,
        },
        None => Actor::Anonymous,
    }
}

impl FromRequestParts<Shared> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, AppError> {
        let mut session = match session_id(&parts.headers) {
            Some(id) => state.sessions.get(&id).await,
            None => None,
        };
        if let Some(s) = &session
            && s.flash.is_some()
        {
            // A flash message is shown once.
            state.sessions.update(&s.id, |s| s.flash = None).await;
        }
        let actor = actor_for(state, session.as_ref()).await;
        if let (Some(s), Actor::Anonymous) = (&mut session, &actor) {
            // A citizen whose participant was deleted is a citizen without one again.
            if s.participant.is_some() {
                s.participant = None;
                state.sessions.update(&s.id, |s| s.participant = None).await;
            }
        }
        Ok(Viewer {
            session,
            actor,
            demo: state.auth.is_demo(),
        })
    }
}

/// A viewer who must be logged in; anyone else is sent to the login page.
#[derive(Debug, Clone)]
pub struct Me(pub Viewer);

impl FromRequestParts<Shared> for Me {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, AppError> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if viewer
            .session
            .as_ref()
            .and_then(|s| s.identity.as_ref())
            .is_none()
        {
            let next = parts.uri.path().to_owned();
            return Err(AppError::Login(next));
        }
        Ok(Me(viewer))
    }
}

/// A menu entry.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// Its text.
    pub label: &'static str,
}

impl NavItem {
    fn new(href: &'static str, label: &'static str) -> Self {
        NavItem { href, label }
    }
}

/// What the layout template needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page title.
    pub title: String,
    /// Show the demo banner.
    pub demo: bool,
    /// The CSRF token for the forms of the page.
    pub csrf: String,
    /// The menu.
    pub nav: Vec<NavItem>,
    /// Who is logged in.
    pub user: Option<String>,
    /// A one-time message.
    pub flash: Option<String>,
}

impl Layout {
    /// A layout without menu or session (error pages).
    pub fn bare(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            demo: false,
            csrf: String::new(),
            nav: vec![],
            user: None,
            flash: None,
        }
    }
}

/// Errors in a form: each message belongs to a field id (the summary links to it).
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    /// No errors.
    pub fn none() -> Self {
        FormErrors(Vec::new())
    }

    /// Adds `message` for the field `id`.
    pub fn add(&mut self, id: &str, message: impl Into<String>) {
        self.0.push((id.to_owned(), message.into()));
    }

    /// The message for field `id`, if any.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == id)
            .map(|(_, m)| m.as_str())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// An error from the service placed on field `id` (refusals list every reason).
    pub fn from_service(id: &str, e: &valghalla::Error) -> Self {
        let mut out = FormErrors::none();
        match e {
            valghalla::Error::Refused(r) => {
                for v in &r.violations {
                    out.add(id, v.message_da());
                }
            }
            other => out.add(id, other.message_da()),
        }
        out
    }
}

/// The values of the contact fields (`contact_fields.html`): what was posted, to show it back
/// with its errors, or else what is stored. `(mobile, email)`.
pub fn contact_values(
    contact: &valghalla::core::model::Contact,
    posted: Option<&FormData>,
) -> (String, String) {
    match posted {
        Some(f) => (f.get("mobil").to_owned(), f.get("email").to_owned()),
        None => (
            contact.mobile.map(|m| m.national()).unwrap_or_default(),
            contact
                .email
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default(),
        ),
    }
}

/// A posted form, as name–value pairs (repeated names allowed).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of `name`, trimmed ("" when missing).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// The value of `name` parsed; a bad request when it does not parse (hidden fields).
    pub fn parse<T: FromStr>(&self, name: &str) -> Result<T, AppError> {
        self.get(name).parse().map_err(|_| AppError::BadRequest)
    }

    /// Every value of `name` parsed, skipping empty ones.
    pub fn parse_all<T: FromStr + Ord>(
        &self,
        name: &str,
    ) -> Result<std::collections::BTreeSet<T>, AppError> {
        self.all(name)
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(|v| v.parse().map_err(|_| AppError::BadRequest))
            .collect()
    }
}

/// Why a request failed; every variant becomes a Danish page.
#[derive(Debug)]
pub enum AppError {
    /// The service failed or refused.
    Service(valghalla::Error),
    /// Not logged in: go to the login page, then back to this path.
    Login(String),
    /// The form's CSRF token was missing or wrong.
    Csrf,
    /// Malformed input a browser would not send.
    BadRequest,
    /// No such page or thing.
    NotFound,
    /// A template failed.
    Render(askama::Error),
}

impl From<valghalla::Error> for AppError {
    fn from(e: valghalla::Error) -> Self {
        AppError::Service(e)
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Render(e)
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: String,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            AppError::Login(next) => {
                let target = format!("/login?next={}", encode_path(next));
                return Redirect::to(&target).into_response();
            }
            AppError::Service(valghalla::Error::Denied(_)) => (
                StatusCode::FORBIDDEN,
                "Ingen adgang",
                "Du har ikke adgang til denne side eller handling.".to_owned(),
            ),
            AppError::Service(e @ valghalla::Error::NotFound { .. }) => {
                (StatusCode::NOT_FOUND, "Findes ikke", e.message_da())
            }
            AppError::Service(e @ valghalla::Error::Failed(_)) => {
                tracing::error!(error = %e, "service failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Der opstod en fejl",
                    e.message_da(),
                )
            }
            AppError::Service(e) => (StatusCode::CONFLICT, "Det kunne ikke lade sig gøre", e.message_da()),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "Formularen er udløbet",
                "Formularen kunne ikke godkendes (sikkerhedsnøglen mangler eller er forkert). Gå tilbage, genindlæs siden og prøv igen.".to_owned(),
            ),
            AppError::BadRequest => (
                StatusCode::BAD_REQUEST,
                "Ugyldig forespørgsel",
                "Forespørgslen kunne ikke forstås.".to_owned(),
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Siden findes ikke",
                "Siden findes ikke.".to_owned(),
            ),
            AppError::Render(e) => {
                tracing::error!(error = %e, "template failure");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Der opstod en fejl",
                    "Siden kunne ikke vises.".to_owned(),
                )
            }
        };
        let page = ErrorPage {
            layout: Layout::bare(heading),
            heading: heading.to_owned(),
            message: message.clone(),
        };
        let mut res = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, heading.to_owned()).into_response(),
        };
        res.extensions_mut().insert(ErrorInfo {
            heading: heading.to_owned(),
            message,
        });
        res
    }
}

/// What an error page says, so [`error_pages`] can render it with the viewer's menu.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    heading: String,
    message: String,
}

/// Middleware: renders error pages with the layout of whoever is looking (menu, demo banner).
pub async fn error_pages(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let res = next.run(req).await;
    let Some(info) = res.extensions().get::<ErrorInfo>().cloned() else {
        return res;
    };
    let session = match session_id(&headers) {
        Some(id) => state.sessions.get(&id).await,
        None => None,
    };
    let actor = actor_for(&state, session.as_ref()).await;
    let viewer = Viewer {
        session,
        actor,
        demo: state.auth.is_demo(),
    };
    let page = ErrorPage {
        layout: viewer.layout(info.heading.clone()),
        heading: info.heading,
        message: info.message,
    };
    match page.render() {
        Ok(html) => (res.status(), Html(html)).into_response(),
        Err(_) => res,
    }
}

/// Renders a template into an HTML response.
pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// Redirects after a successful POST, with a one-time message for the next page.
pub async fn done(state: &AppState, viewer: &Viewer, to: &str, message: &str) -> Response {
    let msg = message.to_owned();
    state
        .sessions
        .update(viewer.session_id(), |s| s.flash = Some(msg))
        .await;
    Redirect::to(to).into_response()
}

/// Percent-encodes a path for a query parameter.
pub fn encode_path(p: &str) -> String {
    p.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Adds the security headers to every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The style sheet.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("static/portal.css"),
    )
        .into_response()
}

/// The page for an unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// The home page: each kind of user goes to their start page.
pub async fn home(State(_state): State<Shared>, viewer: Viewer) -> Redirect {
    match &viewer.actor {
        Actor::Secretariat { .. } => Redirect::to("/sekretariat"),
        Actor::Person(_) => Redirect::to("/mine-opgaver"),
        _ if viewer.user_label().is_some() => Redirect::to("/min-profil"),
        _ => Redirect::to("/login"),
    }
}

const WEEKDAYS: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];
const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// A date in Danish: "tirsdag 17. november 2026".
pub fn da_date(d: NaiveDate) -> String {
    let wd = WEEKDAYS
        .get(d.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or("");
    let m = MONTHS.get(d.month0() as usize).copied().unwrap_or("");
    format!("{wd} {}. {m} {}", d.day(), d.year())
}

/// A short Danish date: "17.11.2026".
pub fn short_date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// The Danish word for a seat status.
pub fn status_da(s: SeatStatus) -> &'static str {
    match s {
        SeatStatus::Vacant => "Ledig",
        SeatStatus::Invited => "Ubesvaret",
        SeatStatus::Accepted => "Accepteret",
    }
}

/// The CSS class for a seat status.
pub fn status_class(s: SeatStatus) -> &'static str {
    match s {
        SeatStatus::Vacant => "vacant",
        SeatStatus::Invited => "invited",
        SeatStatus::Accepted => "accepted",
    }
}

/// Asks the core's access policy whether the viewer may do `permission` (for pages that only
/// read data everyone may read, but belong to one audience).
pub fn require(
    actor: &Actor,
    permission: valghalla::core::rules::access::Permission,
) -> Result<(), AppError> {
    valghalla::core::rules::access::authorize(actor, &permission)
        .map_err(|d| AppError::Service(valghalla::Error::Denied(d)))
}

/// The election a page is about: the one asked for, else the first active one, else the first.
pub async fn pick_election(
    svc: &Valghalla,
    actor: &Actor,
    wanted: Option<ElectionId>,
) -> Result<Option<Election>, AppError> {
    let all = svc.elections(actor).await?;
    if let Some(id) = wanted {
        return all
            .into_iter()
            .find(|e| e.id == id)
            .map(Some)
            .ok_or(AppError::NotFound);
    }
    let active = all.iter().find(|e| e.active).cloned();
    Ok(active.or_else(|| all.into_iter().next()))
}
