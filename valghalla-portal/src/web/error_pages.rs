//! Every error response — also those axum makes itself: 405, 413, a form that does not
//! parse — becomes a Danish page with the viewer's menu and a way back.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tower_cookies::Cookies;
use tower_sessions::Session;

use crate::state::{PortalState, Tenant};
use crate::web::error::{ErrorInfo, ErrorPage, bare_page, status_info};
use crate::web::extract::Viewer;

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

/// Middleware outside the session layer: when the session store cannot save a session (its
/// database is down or restarting), tower-sessions answers an empty 500; it becomes the Danish
/// "Prøv igen om lidt" page with 503, like every other store failure. (What the request changed
/// was written whole, or not at all, before the session was saved.)
pub async fn session_store_failures(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let bare = res.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !res.headers().contains_key(axum::http::header::CONTENT_TYPE);
    if !bare {
        return res;
    }
    let status = StatusCode::SERVICE_UNAVAILABLE;
    bare_page(status, status_info(status), None)
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
