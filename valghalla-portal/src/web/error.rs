//! Errors as Danish pages: [`AppError`] for what a handler refuses, and the page every error
//! response gets (see [`super::error_pages`]).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use valghalla_core::DanishMessage;

use crate::web::guard::encode_path;
use crate::web::layout::Layout;

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

impl From<crate::form::BadInput> for AppError {
    fn from(_: crate::form::BadInput) -> Self {
        AppError::BadRequest
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
pub struct ErrorPage {
    /// The layout.
    pub layout: Layout,
    /// What went wrong, briefly.
    pub heading: String,
    /// What went wrong, and what to do.
    pub message: String,
    /// A page to go back to, if there is a better one than the front page.
    pub back: Option<String>,
}

/// What an error page says, so [`error_pages`] can render it with the viewer's menu.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The heading.
    pub heading: String,
    /// The text.
    pub message: String,
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
            AppError::Service(
                e @ valghalla::Error::Failed(
                    valghalla::core::service::Failure::Store(_)
                    | valghalla::core::service::Failure::Busy,
                ),
            ) => {
                // The database is down, restarting, full or too busy: it passes, and a change
                // set is written whole or not at all.
                tracing::error!(error = %e, "store failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorInfo::new(
                        "Prøv igen om lidt",
                        "Valghalla kan ikke nå sine data lige nu. Prøv igen om lidt.",
                    ),
                )
            }
            AppError::Service(e @ valghalla::Error::Failed(_)) => {
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
pub fn status_info(status: StatusCode) -> ErrorInfo {
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
pub fn bare_page(status: StatusCode, info: ErrorInfo, back: Option<String>) -> Response {
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
