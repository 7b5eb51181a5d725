//! Logins started but not yet completed: the `state`, `nonce` and PKCE verifier of each, kept
//! in the browser in an encrypted, authenticated cookie (the portal stores nothing for an
//! anonymous visitor). A pending login is taken out when its answer arrives — once — and
//! lives at most [`PendingLogins::LIFETIME_SECS`].

use openidconnect::CsrfToken;
use serde::{Deserialize, Serialize};
use tower_cookies::{Cookie, Cookies, Key};

use super::kind::Kind;

/// The cookie's name.
pub const COOKIE: &str = "vh_oidc";

/// One login in progress.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingLogin {
    /// Which provider.
    pub kind: Kind,
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` sent to the provider.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// Where to go after the login (a same-site path).
    pub next: String,
    /// When it started (Unix seconds).
    pub started: i64,
}

impl std::fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("kind", &self.kind)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

/// The pending logins of one browser (a few tabs may log in at once).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PendingLogins(Vec<PendingLogin>);

impl PendingLogins {
    /// How long a started login may take.
    pub const LIFETIME_SECS: i64 = 10 * 60;
    /// At most this many at once (the oldest is dropped).
    const MAX: usize = 4;

    /// The browser's pending logins still alive at `now`.
    pub fn read(cookies: &Cookies, key: &Key, now: i64) -> Self {
        let mut logins: Vec<PendingLogin> = cookies
            .private(key)
            .get(COOKIE)
            .and_then(|c| serde_json::from_str(c.value()).ok())
            .unwrap_or_default();
        logins.retain(|l| (0..Self::LIFETIME_SECS).contains(&now.saturating_sub(l.started)));
        PendingLogins(logins)
    }

    /// Adds a login (dropping the oldest beyond the limit).
    pub fn push(&mut self, login: PendingLogin) {
        self.0.insert(0, login);
        self.0.truncate(Self::MAX);
    }

    /// Takes out the login of `kind` whose state is `state`.
    pub fn take(&mut self, kind: Kind, state: &str) -> Option<PendingLogin> {
        // openidconnect compares secrets by their hashes: no timing tells how much matched.
        let answered = CsrfToken::new(state.to_owned());
        let i = self
            .0
            .iter()
            .position(|l| l.kind == kind && CsrfToken::new(l.state.clone()) == answered)?;
        Some(self.0.remove(i))
    }

    /// Writes them back (or removes the cookie when none is left).
    pub fn write(&self, cookies: &Cookies, key: &Key, secure: bool) {
        let private = cookies.private(key);
        let mut cookie = Cookie::build((COOKIE, String::new()))
            .path("/auth")
            .http_only(true)
            .secure(secure)
            // Lax: the provider's redirect back is a top-level GET from another site.
            .same_site(tower_cookies::cookie::SameSite::Lax)
            .build();
        if self.0.is_empty() {
            private.remove(cookie);
            return;
        }
        cookie.set_value(serde_json::to_string(&self.0).unwrap_or_default());
        cookie.set_max_age(tower_cookies::cookie::time::Duration::seconds(
            Self::LIFETIME_SECS,
        ));
        private.add(cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(kind: Kind, state: &str, started: i64) -> PendingLogin {
        PendingLogin {
            kind,
            state: state.into(),
            nonce: "n".into(),
            verifier: "v".into(),
            next: "/".into(),
            started,
        }
    }

    #[test]
    fn a_pending_login_is_taken_once_and_only_by_its_state_and_kind() {
        let mut p = PendingLogins::default();
        p.push(login(Kind::Citizen, "s1", 0));
        p.push(login(Kind::Staff, "s2", 0));
        assert!(p.take(Kind::Staff, "s1").is_none());
        assert!(p.take(Kind::Citizen, "s1x").is_none());
        assert!(p.take(Kind::Citizen, "s1").is_some());
        assert!(p.take(Kind::Citizen, "s1").is_none());
    }

    #[test]
    fn at_most_a_few_are_kept_newest_first() {
        let mut p = PendingLogins::default();
        for i in 0..6 {
            p.push(login(Kind::Citizen, &format!("s{i}"), 0));
        }
        assert!(p.take(Kind::Citizen, "s0").is_none());
        assert!(p.take(Kind::Citizen, "s5").is_some());
        assert!(p.take(Kind::Citizen, "s2").is_some());
    }

    #[test]
    fn debug_shows_no_secret() {
        let shown = format!("{:?}", login(Kind::Citizen, "the-state", 0));
        assert!(!shown.contains("the-state"));
    }
}
