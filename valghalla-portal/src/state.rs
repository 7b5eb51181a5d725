//! The state the router serves: the municipalities (tenants) by host name, each with its
//! service and login, the sessions, and the configuration.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

use valghalla::Valghalla;

use crate::auth::Authenticator;
use crate::board::JobBoard;
use crate::config::PortalConfig;
use crate::limits::LoginLimiter;
use crate::page_cache::PageCache;
use crate::sessions::Sessions;

/// One municipality the portal serves: its service (over its store), how its people log in,
/// and what the portal keeps for it (rendered pages, the scheduler's board).
#[derive(Clone)]
pub struct Tenant(Arc<TenantState>);

/// What a [`Tenant`] holds.
pub struct TenantState {
    /// A short name for logs and the session (the Postgres tenant id, or `"default"`).
    pub name: String,
    /// The service.
    pub svc: Valghalla,
    /// How people log in.
    pub auth: Arc<dyn Authenticator>,
    /// Rendered content of expensive pages.
    pub(crate) cache: PageCache,
    /// What the scheduler did for this tenant.
    pub(crate) board: JobBoard,
    /// How to reach the secretariat (the contact page).
    contact: SecretariatContact,
}

/// How citizens reach the election secretariat: shown on the contact page every message
/// links to.
#[derive(Debug, Clone, Default)]
pub struct SecretariatContact {
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
    /// When the telephone is answered.
    pub hours: Option<String>,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant")
            .field("name", &self.0.name)
            .finish_non_exhaustive()
    }
}

impl Deref for Tenant {
    type Target = TenantState;
    fn deref(&self) -> &TenantState {
        &self.0
    }
}

impl Tenant {
    /// A municipality called `name` (used in logs and to bind sessions to it), served by `svc`,
    /// its people logging in through `auth`.
    pub fn new(name: impl Into<String>, svc: Valghalla, auth: Arc<dyn Authenticator>) -> Self {
        Tenant(Arc::new(TenantState {
            name: name.into(),
            svc,
            auth,
            cache: PageCache::default(),
            board: JobBoard::default(),
            contact: SecretariatContact::default(),
        }))
    }

    /// The same municipality with `contact` on its contact page.
    pub fn with_contact(self, contact: SecretariatContact) -> Self {
        Tenant(Arc::new(TenantState {
            name: self.0.name.clone(),
            svc: self.0.svc.clone(),
            auth: self.0.auth.clone(),
            cache: PageCache::default(),
            board: JobBoard::default(),
            contact,
        }))
    }

    /// How to reach the secretariat.
    pub fn contact(&self) -> &SecretariatContact {
        &self.0.contact
    }

    /// What the scheduler did for this municipality.
    pub fn board(&self) -> &JobBoard {
        &self.0.board
    }

    /// The service.
    pub fn service(&self) -> &Valghalla {
        &self.0.svc
    }

    /// Forgets every rendered page, so the next request renders from the store. A host that
    /// changes data outside the portal calls it (otherwise a page is refreshed after
    /// [`PageCache::TTL`]).
    pub fn forget_rendered_pages(&self) {
        self.0.cache.invalidate();
    }
}

/// Why a [`PortalState`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Two tenants claim the same host name.
    #[error("the host name {0} is given to two municipalities")]
    DuplicateHost(String),
    /// No tenant at all.
    #[error("the portal needs at least one municipality")]
    NoTenant,
}

/// Everything the router serves. Cheap to clone.
#[derive(Clone)]
pub struct PortalState(Arc<PortalInner>);

struct PortalInner {
    config: PortalConfig,
    by_host: BTreeMap<String, Tenant>,
    /// The tenant of a single-municipality portal, whatever the host name.
    only: Option<Tenant>,
    sessions: Sessions,
    login_limits: LoginLimiter,
}

impl std::fmt::Debug for PortalState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortalState")
            .field("hosts", &self.0.by_host.keys().collect::<Vec<_>>())
            .field("single", &self.0.only.as_ref().map(|t| t.name.clone()))
            .finish_non_exhaustive()
    }
}

/// A host name as compared: lower case, without port.
fn host_key(host: &str) -> String {
    let host = host.trim();
    let without_port = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(']') => h,
        Some((h, port)) if h.ends_with(']') && port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    without_port.to_ascii_lowercase()
}

impl PortalState {
    /// A portal for one municipality, whatever host name it is reached under.
    pub fn single(config: PortalConfig, tenant: Tenant, sessions: Sessions) -> Self {
        PortalState(Arc::new(PortalInner {
            login_limits: LoginLimiter::new(&config.login_limits),
            config,
            by_host: BTreeMap::new(),
            only: Some(tenant),
            sessions,
        }))
    }

    /// A portal for several municipalities, each reached under its own host names (e.g.
    /// `valg.korsbaek.dk`); a request for any other host name is refused.
    pub fn hosted(
        config: PortalConfig,
        tenants: Vec<(Vec<String>, Tenant)>,
        sessions: Sessions,
    ) -> Result<Self, StateError> {
        if tenants.is_empty() {
            return Err(StateError::NoTenant);
        }
        let mut by_host = BTreeMap::new();
        for (hosts, tenant) in tenants {
            for h in hosts {
                let key = host_key(&h);
                if by_host.insert(key.clone(), tenant.clone()).is_some() {
                    return Err(StateError::DuplicateHost(key));
                }
            }
        }
        Ok(PortalState(Arc::new(PortalInner {
            login_limits: LoginLimiter::new(&config.login_limits),
            config,
            by_host,
            only: None,
            sessions,
        })))
    }

    /// The tenant a request for `host` is served by.
    pub fn tenant_for_host(&self, host: Option<&str>) -> Option<Tenant> {
        if let Some(t) = &self.0.only {
            return Some(t.clone());
        }
        self.0.by_host.get(&host_key(host?)).cloned()
    }

    /// Every tenant, each once.
    pub fn tenants(&self) -> Vec<Tenant> {
        if let Some(t) = &self.0.only {
            return vec![t.clone()];
        }
        let mut seen = std::collections::BTreeSet::new();
        self.0
            .by_host
            .values()
            .filter(|t| seen.insert(t.name.clone()))
            .cloned()
            .collect()
    }

    /// The configuration.
    pub fn config(&self) -> &PortalConfig {
        &self.0.config
    }

    /// The sessions.
    pub fn sessions(&self) -> &Sessions {
        &self.0.sessions
    }

    pub(crate) fn login_limits(&self) -> &LoginLimiter {
        &self.0.login_limits
    }
}

#[cfg(test)]
mod tests {
    use super::host_key;

    #[test]
    fn host_names_are_compared_without_port_and_case() {
        assert_eq!(host_key("Valg.Korsbaek.DK:8080"), "valg.korsbaek.dk");
        assert_eq!(host_key("valg.korsbaek.dk"), "valg.korsbaek.dk");
        assert_eq!(host_key("[::1]:80"), "[::1]");
        assert_eq!(host_key("127.0.0.1"), "127.0.0.1");
    }
}
