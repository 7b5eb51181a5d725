//! CSRF protection: every session has a random token; every form carries it in a hidden field
//! `csrf`, and every POST is refused (403, nothing changes) unless the token matches.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::web::{AppError, FormData, Shared, session_id};

/// The largest form body accepted.
const MAX_FORM_BYTES: usize = 1 << 20;

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Middleware: checks the CSRF token of every POST before any handler runs.
pub async fn check(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let expected = match session_id(req.headers()) {
        Some(id) => state.sessions.get(&id).await.map(|s| s.csrf),
        None => None,
    };
    let Some(expected) = expected else {
        return AppError::Csrf.into_response();
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return AppError::BadRequest.into_response();
    };
    let form: FormData = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    if !same(form.get("csrf"), &expected) {
        return AppError::Csrf.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
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
