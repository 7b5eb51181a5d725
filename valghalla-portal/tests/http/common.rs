//! The portal under test and a browser for it: requests go through
//! `tower::ServiceExt::oneshot` on the router over the memory store; the browser keeps its
//! cookies and the last CSRF token it saw.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;
use valghalla::Valghalla;
use valghalla::core::memory::MemoryStore;
use valghalla::core::model::{SeatState, SlotKey};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::store::DynStore;
use valghalla::core::testkit::generator::Dataset;
use valghalla_portal::{LoginLimits, PortalConfig, PortalState, Sessions, Tenant, demo, router};

pub struct Portal {
    pub svc: Valghalla,
    /// The tenant's store, for what a test checks behind the service's back.
    pub store: DynStore,
    pub tenant: Tenant,
    pub state: PortalState,
    pub app: Router,
    pub ds: Dataset,
}

/// A configuration for tests: login limits loose enough for a test's many logins.
pub fn test_config() -> PortalConfig {
    PortalConfig {
        public_base_url: "http://test".into(),
        login_limits: LoginLimits {
            per_address_burst: 1000,
            per_identity_burst: 1000,
            ..LoginLimits::default()
        },
        ..PortalConfig::default()
    }
}

/// The demo portal over a fresh memory store.
pub async fn portal() -> Portal {
    portal_with(test_config()).await
}

/// The demo portal over a fresh memory store, with `config`.
pub async fn portal_with(config: PortalConfig) -> Portal {
    let today = demo::today();
    let store: DynStore = Arc::new(MemoryStore::new());
    let tenant = demo::tenant(Arc::clone(&store), today, &config.public_base_url)
        .await
        .expect("demo tenant");
    let state = PortalState::single(config, tenant.clone(), Sessions::memory());
    Portal {
        svc: tenant.service().clone(),
        store,
        app: router(state.clone()),
        state,
        tenant,
        ds: demo::korsbaek(today).expect("dataset"),
    }
}

pub fn admin() -> Actor {
    Actor::Secretariat {
        user: "test".into(),
        role: StaffRole::Administrator,
    }
}

/// A slot as the forms post it.
pub fn slot_value(s: &SlotKey) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        s.election, s.work_location, s.task_type, s.team, s.date
    )
}

/// A browser: a cookie jar and the last CSRF token seen.
#[derive(Clone)]
pub struct Browser {
    pub app: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: String,
    pub host: Option<String>,
    /// The client's address, as a server with `ConnectInfo` would give it.
    pub client: Option<std::net::SocketAddr>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every `Set-Cookie` value.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let rest = &body[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The session cookie's name.
pub const SESSION: &str = "vh_session";

impl Browser {
    pub fn new(p: &Portal) -> Browser {
        Browser::on(p.app.clone())
    }

    pub fn on(app: Router) -> Browser {
        Browser {
            app,
            cookies: BTreeMap::new(),
            csrf: String::new(),
            host: None,
            client: None,
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if let Some(addr) = self.client {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(addr));
        }
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        for c in headers.get_all(header::SET_COOKIE) {
            let Some((k, v)) = c
                .to_str()
                .ok()
                .and_then(|c| c.split(';').next())
                .and_then(|kv| kv.split_once('='))
            else {
                continue;
            };
            if v.is_empty() || c.to_str().is_ok_and(|c| c.contains("Max-Age=0")) {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let body =
            String::from_utf8_lossy(&to_bytes(res.into_body(), usize::MAX).await.expect("body"))
                .into_owned();
        if let Some(t) = csrf_in(&body) {
            self.csrf = t;
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            b = b.header(header::COOKIE, jar);
        }
        if let Some(h) = &self.host {
            b = b.header(header::HOST, h);
        }
        b
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let req = self
            .request("GET", path)
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    pub async fn post_raw(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(pairs).expect("form");
        let req = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(pairs);
        self.post_raw(path, &all).await
    }

    /// Posts a multipart form (an upload): the CSRF token, `fields`, and `file` as
    /// `(field, file name, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Reply {
        const BOUNDARY: &str = "----valghalla-test-boundary";
        let mut body: Vec<u8> = Vec::new();
        let csrf = self.csrf.clone();
        for (k, v) in std::iter::once(("csrf", csrf.as_str())).chain(fields.iter().copied()) {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, file_name, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let req = self
            .request("POST", path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// Logs in as the demo identity `who` through the login page.
    pub async fn login(p: &Portal, who: &str) -> Browser {
        let mut b = Browser::new(p);
        b.log_in(who).await;
        b
    }

    /// Logs this browser in as `who`.
    pub async fn log_in(&mut self, who: &str) {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let r = self
            .post("/login", &[("identitet", who), ("next", "/")])
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login as {who}: {}",
            r.body
        );
        self.get("/login").await; // the new session's token
    }
}

/// A vacant seat of the `team_index`th team, and its slot.
pub fn seat_of_team(p: &Portal, team_index: usize) -> (SlotKey, valghalla::core::ids::SeatId) {
    let team = p.ds.teams[team_index].id;
    let s =
        p.ds.seats
            .iter()
            .find(|s| s.slot.team == team && s.state == SeatState::Vacant)
            .expect("a vacant seat of the team");
    (s.slot, s.id)
}

/// The seat of the first invitation on a person's task page ("mine opgaver").
pub fn invited_seat(tasks_page: &str) -> String {
    let end = tasks_page
        .find("/accepter\"")
        .expect("an invitation to answer");
    let start =
        tasks_page[..end].rfind("/mine-opgaver/").expect("its form") + "/mine-opgaver/".len();
    tasks_page[start..end].to_owned()
}

/// The queued invitation of `seat` (the demo's invitations wait in the outbox).
pub async fn invitation_of(p: &Portal, seat: &str) -> valghalla::core::store::OutboxMessage {
    p.store
        .outbox(&Default::default())
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| {
            m.kind == valghalla::core::messages::MessageKind::Invitation
                && m.seat.map(|s| s.to_string()).as_deref() == Some(seat)
        })
        .expect("the invitation is in the outbox")
}
