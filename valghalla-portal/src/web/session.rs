//! What a login keeps between requests: one [`SessionData`] value in a `tower-sessions`
//! session, stored in the same database as the data (see [`crate::sessions`]).
//!
//! Nothing is stored for an anonymous visitor: a session exists from the first form that needs
//! one (logging in). Its id is cycled at login and the session deleted at logout; it ends after
//! the configured idle time (the store's expiry, renewed at most once a minute) and, however
//! active, the configured absolute lifetime after login (checked on every request).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use valghalla_core::ids::ParticipantId;

use crate::auth::Identity;

/// The key the portal's data is stored under in the session.
pub const KEY: &str = "portal";

/// The name of the session cookie.
pub const COOKIE: &str = "vh_session";

/// How often the idle expiry is renewed at most (so an active session is not written on every
/// request).
pub const RENEW_AFTER_SECS: i64 = 60;

/// One browser's login, kept on the server; the browser only holds a random id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionData {
    /// The municipality the login belongs to: a session is never valid under another host.
    pub tenant: String,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
    /// Who logged in (`None`: nobody yet).
    pub identity: Option<Identity>,
    /// The participant a citizen is, once known.
    pub participant: Option<ParticipantId>,
    /// A message for the next page.
    pub flash: Option<String>,
    /// When the login happened (Unix seconds): the absolute lifetime counts from here.
    pub started: i64,
    /// The last time the idle expiry was renewed (Unix seconds).
    pub renewed: i64,
    /// Work in progress of a page area (a proposal waiting to be confirmed), by the area's
    /// name; each area owns the shape of its value.
    #[serde(default)]
    pub drafts: BTreeMap<String, serde_json::Value>,
}

impl SessionData {
    /// A new login for `identity` at `now` (Unix seconds).
    pub fn login(tenant: &str, identity: Identity, now: i64) -> Self {
        SessionData {
            tenant: tenant.to_owned(),
            csrf: random_token(),
            identity: Some(identity),
            participant: None,
            flash: None,
            started: now,
            renewed: now,
            drafts: BTreeMap::new(),
        }
    }
}

/// 256 random bits as hex (thread-local CSPRNG, seeded from the OS): session CSRF tokens and
/// the keys of pending proposals.
pub fn random_token() -> String {
    format!(
        "{:032x}{:032x}",
        rand::random::<u128>(),
        rand::random::<u128>()
    )
}

/// Now, in Unix seconds.
pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}
