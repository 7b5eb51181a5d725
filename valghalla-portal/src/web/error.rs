//! Errors as Danish pages: [`AppError`] for what a handler refuses, and [`error_pages`], which
//! gives every error response (also those axum makes itself: 405, 413, a form that does not
//! parse) a Danish page with the viewer's menu and a way back.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tower_cookies::Cookies;
use tower_sessions::Session;
use valghalla_core::DanishMessage;

use crate::state::{PortalState, Tenant};
use crate::web::extract::Viewer;
use crate::web::guard::encode_path;
use crate::web::views::Layout;

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
    /// The request's host name is not one of the portal's municipalities.
    UnknownHost,
    /// The session store failed.
    Session(String),
    /// The request body is larger than the portal accepts.
    TooLarge,
    /// Too many login attempts.
    TooManyAttempts,
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
    back: Option<String>,
}

/// What an error page says, so [`error_pages`] can render it with the viewer's menu.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    heading: String,
    message: String,
}

impl ErrorInfo {
    fn new(heading: &str, message: impl Into<String>) -> Self {
        ErrorInfo {
            heading: heading.to_owned(),
            message: message.into(),
        }
    }
}

impl AppError {
    fn status_and_info(&self) -> (StatusCode, ErrorInfo) {
        match self {
            AppError::Login(_) => (StatusCode::SEE_OTHER, ErrorInfo::new("Log ind", "")),
            AppError::Service(valghalla::Error::Denied(_)) => (
                StatusCode::FORBIDDEN,
                ErrorInfo::new(
                    "Ingen adgang",
                    "Du har ikke adgang til denne side eller handling.",
                ),
            ),
            AppError::Service(e @ valghalla::Error::NotFound { .. }) => (
                StatusCode::NOT_FOUND,
                ErrorInfo::new("Findes ikke", e.message_da()),
            ),
            AppError::Service(e @ valghalla::Error::Store(_))
            | AppError::Service(e @ valghalla::Error::Registry(_)) => {
                tracing::error!(error = %e, "service failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorInfo::new("Der opstod en fejl", e.message_da()),
                )
            }
            AppError::Service(e) => (
                StatusCode::CONFLICT,
                ErrorInfo::new("Det kunne ikke lade sig gøre", e.message_da()),
            ),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                ErrorInfo::new(
                    "Formularen er udløbet",
                    "Formularen kunne ikke godkendes (sikkerhedsnøglen mangler eller er forkert). Gå tilbage, genindlæs siden og prøv igen.",
                ),
            ),
            AppError::BadRequest => (
                StatusCode::BAD_REQUEST,
                status_info(StatusCode::BAD_REQUEST),
            ),
            AppError::NotFound => (StatusCode::NOT_FOUND, status_info(StatusCode::NOT_FOUND)),
            AppError::UnknownHost => (
                StatusCode::NOT_FOUND,
                ErrorInfo::new(
                    "Ukendt adresse",
                    "Denne adresse hører ikke til nogen kommune i Valghalla. Tjek adressen i linket.",
                ),
            ),
            AppError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                status_info(StatusCode::PAYLOAD_TOO_LARGE),
            ),
            AppError::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                status_info(StatusCode::TOO_MANY_REQUESTS),
            ),
            AppError::Render(e) => {
                tracing::error!(error = %e, "template failure");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    status_info(StatusCode::INTERNAL_SERVER_ERROR),
                )
            }
            AppError::Session(e) => {
                tracing::error!(error = %e, "session store failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    status_info(StatusCode::SERVICE_UNAVAILABLE),
                )
            }
        }
    }
}

/// The Danish heading and text for an error status nobody explained.
fn status_info(status: StatusCode) -> ErrorInfo {
    match status {
        StatusCode::NOT_FOUND => ErrorInfo::new(
            "Siden findes ikke",
            "Siden findes ikke. Måske er linket forkert, eller siden er flyttet.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => ErrorInfo::new(
            "Siden kan ikke vises",
            "Denne adresse bruges kun, når en formular sendes. Gå tilbage til siden med formularen.",
        ),
        StatusCode::FORBIDDEN => ErrorInfo::new(
            "Ingen adgang",
            "Du har ikke adgang til denne side eller handling.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ErrorInfo::new(
            "For meget på én gang",
            "Det, du sendte, er større end Valghalla tager imod. Send mindre ad gangen.",
        ),
        StatusCode::TOO_MANY_REQUESTS => ErrorInfo::new(
            "For mange forsøg",
            "Der har været for mange forsøg på at logge ind. Vent et par minutter, og prøv igen.",
        ),
        StatusCode::SERVICE_UNAVAILABLE => ErrorInfo::new(
            "Prøv igen om lidt",
            "Valghalla kunne ikke svare lige nu. Prøv igen om lidt.",
        ),
        s if s.is_client_error() => ErrorInfo::new(
            "Ugyldig forespørgsel",
            "Forespørgslen kunne ikke forstås. Gå tilbage, og prøv igen.",
        ),
        _ => ErrorInfo::new(
            "Der opstod en fejl",
            "Siden kunne ikke vises på grund af en fejl hos os. Prøv igen om lidt.",
        ),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Login(next) = &self {
            let target = format!("/login?next={}", encode_path(next));
            return Redirect::to(&target).into_response();
        }
        let (status, info) = self.status_and_info();
        bare_page(status, info, None)
    }
}

/// An error page without the viewer's menu (when there is no viewer to be had).
fn bare_page(status: StatusCode, info: ErrorInfo, back: Option<String>) -> Response {
    let page = ErrorPage {
        layout: Layout::bare(&info.heading),
        heading: info.heading.clone(),
        message: info.message.clone(),
        back,
    };
    let mut res = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, info.heading.clone()).into_response(),
    };
    res.extensions_mut().insert(info);
    res
}

/// Where "back" goes from a failed request for `path`: for a form's address opened as a page
/// (405), the page above it; `None` otherwise (the page links to the front page).
fn back_from(method: &Method, status: StatusCode, path: &str) -> Option<String> {
    if status != StatusCode::METHOD_NOT_ALLOWED || method != Method::GET {
        return None;
    }
    let parent = path.trim_end_matches('/').rsplit_once('/')?.0;
    (!parent.is_empty()).then(|| parent.to_owned())
}

/// Middleware: every error response becomes a Danish page with the viewer's menu (demo banner,
/// logout) and a way back.
pub async fn error_pages(State(portal): State<PortalState>, req: Request, next: Next) -> Response {
    let tenant = req.extensions().get::<Tenant>().cloned();
    let session = req.extensions().get::<Session>().cloned();
    let cookies = req.extensions().get::<Cookies>().cloned();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let info = match res.extensions().get::<ErrorInfo>() {
        Some(i) => i.clone(),
        None => status_info(status),
    };
    let back = back_from(&method, status, &path);
    let viewer = match (tenant, session) {
        (Some(t), Some(s)) => Viewer::resolve(&portal, t, s, cookies.as_ref()).await.ok(),
        _ => None,
    };
    let Some(viewer) = viewer else {
        return bare_page(status, info, back);
    };
    let page = ErrorPage {
        layout: viewer.layout(info.heading.clone()),
        heading: info.heading,
        message: info.message,
        back,
    };
    let mut out = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => return res,
    };
    // Keep what the handler said about the response (e.g. `Allow` on a 405).
    for (name, value) in res.headers() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_address_opened_as_a_page_links_back_to_the_page_above() {
        let get = Method::GET;
        assert_eq!(
            back_from(&get, StatusCode::METHOD_NOT_ALLOWED, "/link/abc/tag").as_deref(),
            Some("/link/abc")
        );
        assert_eq!(
            back_from(&get, StatusCode::METHOD_NOT_ALLOWED, "/logout"),
            None
        );
        assert_eq!(back_from(&get, StatusCode::NOT_FOUND, "/a/b"), None);
    }
}
