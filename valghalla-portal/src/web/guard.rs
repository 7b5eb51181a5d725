//! What every response gets and every redirect is checked against: security headers, a log
//! line per request (without the URL: tokens and ids stay out of the logs), and same-site
//! paths for `next` and "back" parameters.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Adds the security headers to every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
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

/// Logs one line per request: method, the route's *pattern* (`/invitation/{seat}/{token}`,
/// never the path itself, which may hold a token), status and time. Nothing from the query or
/// the body is logged, so no CPR number can reach the log.
pub async fn log_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |m| m.as_str().to_owned());
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, route, status, ms, "request");
    } else {
        tracing::info!(%method, route, status, ms, "request");
    }
    res
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

/// Whether `path` is a path on this site: it starts with one `/`, and has no backslash, no
/// whitespace and no control character (browsers drop tabs and newlines from URLs, so
/// `/\t/evil.example` would become `//evil.example`, another site).
pub fn is_same_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

/// The page to go to after logging in: `next` if it is a same-site path, else the front page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_same_site_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A "back" path from a form: `back` if it is a same-site path under `prefix`, else `default`.
pub fn safe_back(back: &str, prefix: &str, default: &str) -> String {
    if is_same_site_path(back) && back.starts_with(prefix) && !back.contains("//") {
        back.to_owned()
    } else {
        default.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_same_site_paths() {
        assert_eq!(safe_next(Some("/sekretariat")), "/sekretariat");
        assert_eq!(safe_next(Some("/link/abc?x=1")), "/link/abc?x=1");
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "evil.example",
            "/ /evil.example",
            "/\u{0}",
            "/\u{7f}",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn back_stays_under_its_prefix() {
        assert_eq!(
            safe_back("/sekretariat/valg/1", "/sekretariat/", "/sekretariat"),
            "/sekretariat/valg/1"
        );
        assert_eq!(
            safe_back("/sekretariat//evil", "/sekretariat/", "/sekretariat"),
            "/sekretariat"
        );
        assert_eq!(safe_back("/parti/x", "/sekretariat/", "/s"), "/s");
    }
}
