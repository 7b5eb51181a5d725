//! Login through OpenID Connect (feature `oidc`): citizens through MitID (an OpenID provider
//! of a broker, which supplies the CPR number), staff through the municipality's directory
//! (whose groups or roles map to a secretariat role). Party secretaries and station
//! responsibles log in as citizens; their responsibilities come from the data.
//!
//! The flow is the authorization code flow with PKCE (S256), `state` and `nonce`; the pending
//! login is kept in an encrypted cookie ([`pending`]), the ID token is checked by
//! `openidconnect` ([`provider`]), the claims become an [`Identity`] ([`claims`]). A refused
//! login is a [`LoginRefused`]: a Danish page and no session. Logging out ends the session at
//! the provider too (RP-initiated logout). The pages are `pages::oidc`.
//!
//! ```no_run
//! # async fn host(svc: valghalla::Valghalla) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use std::sync::Arc;
//! use valghalla_portal::Tenant;
//! use valghalla_portal::auth::oidc::{CitizenSettings, OidcLogin, OidcSettings, ProviderSettings, Secret};
//!
//! let login = OidcLogin::new(
//!     OidcSettings {
//!         citizen: Some(CitizenSettings {
//!             provider: ProviderSettings {
//!                 issuer: "https://broker.example".into(),
//!                 client_id: "valghalla".into(),
//!                 client_secret: Secret::new(std::env::var("BROKER_SECRET")?),
//!                 scopes: vec!["profile".into(), "ssn".into()],
//!             },
//!             cpr_claim: "https://data.gov.dk/model/core/eid/cprNumber".into(),
//!         }),
//!         staff: None,
//!     },
//!     "https://valg.korsbaek.dk",
//! )?;
//! login.discover().await;
//! let tenant = Tenant::new("korsbaek", svc, Arc::new(login));
//! # Ok(()) }
//! ```

pub mod claims;
mod kind;
pub mod pending;
pub mod provider;
pub mod refusal;
pub mod settings;

pub use claims::Claims;
pub use kind::Kind;
pub use pending::{PendingLogin, PendingLogins};
pub use provider::{Http, Provider, ProviderError};
pub use refusal::LoginRefused;
pub use settings::{
    CitizenSettings, OidcOptions, OidcSettings, ProviderSettings, Secret, SettingsError,
    StaffSettings,
};

use crate::auth::{Identity, LoginOption};

/// Where the provider sends the person back to after logging out.
pub const LOGGED_OUT_PATH: &str = "/auth/logget-ud";

/// The OpenID Connect login of one municipality: its providers and how their claims become
/// identities.
pub struct OidcLogin {
    settings: OidcSettings,
    citizen: Option<Provider>,
    staff: Option<Provider>,
    base: String,
    http: Http,
}

impl std::fmt::Debug for OidcLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcLogin")
            .field("citizen", &self.citizen)
            .field("staff", &self.staff)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl OidcLogin {
    /// A login over the providers of `settings`, for a portal reached at `public_base_url`
    /// (the providers send people back to `<base>/auth/borger/callback` and
    /// `<base>/auth/personale/callback`; register those, and `<base>/auth/logget-ud` as the
    /// post-logout redirect). Nothing is fetched yet: see [`OidcLogin::discover`].
    pub fn new(settings: OidcSettings, public_base_url: &str) -> Result<Self, ProviderError> {
        let base = public_base_url.trim_end_matches('/').to_owned();
        let redirect = |kind: Kind| format!("{base}/auth/{}/callback", kind.path());
        let citizen = settings
            .citizen
            .as_ref()
            .map(|c| Provider::new(Kind::Citizen, c.provider.clone(), redirect(Kind::Citizen)))
            .transpose()?;
        let staff = settings
            .staff
            .as_ref()
            .map(|s| Provider::new(Kind::Staff, s.provider.clone(), redirect(Kind::Staff)))
            .transpose()?;
        let http =
            provider::http_client().map_err(|e| ProviderError(format!("HTTP client: {e}")))?;
        Ok(OidcLogin {
            settings,
            citizen,
            staff,
            base,
            http,
        })
    }

    /// Asks every provider for its configuration now (at startup), logging those that do not
    /// answer; a provider that did not answer is asked again at the next login.
    pub async fn discover(&self) {
        for p in [&self.citizen, &self.staff].into_iter().flatten() {
            let _ = p.discover(&self.http).await;
        }
    }

    /// The provider of `kind`, if configured.
    pub fn provider(&self, kind: Kind) -> Option<&Provider> {
        match kind {
            Kind::Citizen => self.citizen.as_ref(),
            Kind::Staff => self.staff.as_ref(),
        }
    }

    /// The HTTP client for the providers.
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Who the verified `claims` from the provider of `kind` say logged in.
    pub fn identity(&self, kind: Kind, claims: &Claims) -> Result<Identity, LoginRefused> {
        match kind {
            Kind::Citizen => {
                let s = self
                    .settings
                    .citizen
                    .as_ref()
                    .ok_or(LoginRefused::InvalidToken)?;
                claims::citizen(claims, &s.cpr_claim)
            }
            Kind::Staff => {
                let s = self
                    .settings
                    .staff
                    .as_ref()
                    .ok_or(LoginRefused::InvalidToken)?;
                claims::staff(claims, s)
            }
        }
    }

    /// The login page's buttons: one per configured provider, each starting its login.
    pub fn login_options(&self) -> Vec<LoginOption> {
        let mut options = Vec::new();
        if self.citizen.is_some() {
            options.push(LoginOption {
                key: Kind::Citizen.path().into(),
                label: "Log ind med MitID".into(),
                description: "For borgere, valgstyrere, tilforordnede og partisekretærer".into(),
                start: Some(format!("/auth/{}/login", Kind::Citizen.path())),
            });
        }
        if self.staff.is_some() {
            options.push(LoginOption {
                key: Kind::Staff.path().into(),
                label: "Medarbejderlogin".into(),
                description: "For kommunens valgsekretariat".into(),
                start: Some(format!("/auth/{}/login", Kind::Staff.path())),
            });
        }
        options
    }

    /// Where the browser goes to end `identity`'s login at its provider, which then sends it
    /// back to [`LOGGED_OUT_PATH`]; `None` when the provider offers no logout.
    pub async fn logout_url(&self, identity: &Identity) -> Option<String> {
        let kind = match identity {
            Identity::Citizen { .. } => Kind::Citizen,
            Identity::Staff { .. } => Kind::Staff,
        };
        let post_logout = format!("{}{LOGGED_OUT_PATH}", self.base);
        self.provider(kind)?.end_session_url(&post_logout).await
    }
}
