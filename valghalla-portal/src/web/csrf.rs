//! CSRF protection: every form carries a token in a hidden field `csrf`, and every POST is
//! refused (403, nothing changes) unless the token matches.
//!
//! A logged-in session keeps its token on the server. An anonymous visitor has no stored
//! session, so their token is a *signed double-submit cookie*: a random value in a cookie
//! signed with the portal's key (an attacker can neither read it nor plant one of their own
//! making), which the form must repeat.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_cookies::{Cookie, Cookies, Key};
use tower_sessions::Session;

use crate::state::PortalState;
use crate::web::error::AppError;
use crate::web::forms::FormData;
use crate::web::session::{KEY, SessionData};

/// The anonymous visitor's CSRF cookie.
pub const COOKIE: &str = "vh_csrf";

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The anonymous visitor's token: the one in their signed cookie, or a new one (set now).
pub fn anonymous_token(cookies: &Cookies, key: &Key, secure: bool) -> String {
    let signed = cookies.signed(key);
    if let Some(c) = signed.get(COOKIE) {
        return c.value().to_owned();
    }
    let token = crate::web::session::random_token();
    let cookie = Cookie::build((COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(tower_cookies::cookie::SameSite::Lax)
        .build();
    signed.add(cookie);
    token
}

/// The token a POST must carry: the session's, or the anonymous visitor's cookie's.
async fn expected(
    portal: &PortalState,
    session: Option<Session>,
    cookies: Option<Cookies>,
) -> Result<Option<String>, AppError> {
    let Some(session) = session else {
        return Ok(None);
    };
    let data: Option<SessionData> = session
        .get(KEY)
        .await
        .map_err(|e| AppError::Session(e.to_string()))?;
    if let Some(d) = data {
        return Ok(Some(d.csrf));
    }
    Ok(cookies.and_then(|c| {
        c.signed(portal.sessions().key())
            .get(COOKIE)
            .map(|c| c.value().to_owned())
    }))
}

/// Middleware: checks the CSRF token of every POST before any handler runs.
pub async fn check(State(portal): State<PortalState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let session = req.extensions().get::<Session>().cloned();
    let cookies = req.extensions().get::<Cookies>().cloned();
    let expected = match expected(&portal, session, cookies).await {
        Ok(Some(e)) => e,
        Ok(None) => return AppError::Csrf.into_response(),
        Err(e) => return e.into_response(),
    };
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, portal.config().max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return AppError::TooLarge.into_response(),
    };
    let content_type = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if !same(
        &posted_token(content_type.as_deref(), &bytes).await,
        &expected,
    ) {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The token a POST carries: the `csrf` field of its form, urlencoded or (an upload)
/// multipart; empty when there is none.
async fn posted_token(content_type: Option<&str>, bytes: &axum::body::Bytes) -> String {
    use axum::extract::{FromRequest, Multipart};
    let Some(ct) = content_type.filter(|c| c.starts_with("multipart/form-data")) else {
        let form: FormData = serde_urlencoded::from_bytes(bytes).unwrap_or_default();
        return form.get("csrf").to_owned();
    };
    let Ok(req) = Request::builder()
        .header(axum::http::header::CONTENT_TYPE, ct)
        .body(Body::from(bytes.clone()))
    else {
        return String::new();
    };
    let Ok(mut multipart) = Multipart::from_request(req, &()).await else {
        return String::new();
    };
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.unwrap_or_default();
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    #[test]
    fn compares_tokens() {
        use super::same;
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        assert!(!same("", "a"));
    }
}
