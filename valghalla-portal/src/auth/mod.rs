//! Logging in: the [`Authenticator`] a municipality plugs in (SAML/OIDC: MitID for citizens,
//! its own directory for staff), the demo authenticator and, behind feature `oidc`, the
//! OpenID Connect login ([`oidc`]). The pages are in `pages::login` (and `pages::oidc`).

use crate::form::FormData;

mod identity;
#[cfg(feature = "oidc")]
pub mod oidc;

pub use identity::{AuthError, Identity, LoginOption};

/// How people log in. A municipality implements it over its identity providers: MitID (OIDC
/// through a broker) for citizens, its directory (SAML, Entra ID …) for staff.
#[async_trait::async_trait]
pub trait Authenticator: Send + Sync {
    /// Whether this is the demo authenticator: the portal then shows a demo banner everywhere.
    fn is_demo(&self) -> bool;

    /// What the login page offers (a real provider offers "Log ind med MitID" and
    /// "Medarbejderlogin", each posting to the provider's start).
    fn options(&self) -> Vec<LoginOption>;

    /// Completes a login from the posted form (a real provider: the SAML response or the OIDC
    /// callback) and says who it is.
    async fn complete(&self, form: &FormData) -> Result<Identity, AuthError>;

    /// What identifies the person trying to log in with `form`, for the per-identity limit on
    /// login attempts ("" when the form names nobody).
    fn attempt_key(&self, form: &FormData) -> String;

    /// Where the browser goes after the portal has ended the session of `identity`, to end
    /// its login at the identity provider too (RP-initiated logout); `None` when there is
    /// nothing to end there.
    async fn end_session_url(&self, identity: &Identity) -> Option<String> {
        let _ = identity;
        None
    }

    /// The OpenID Connect login, when people log in through OpenID providers: its pages
    /// (`/auth/…`) serve only a municipality whose authenticator answers here.
    #[cfg(feature = "oidc")]
    fn oidc(&self) -> Option<&oidc::OidcLogin> {
        None
    }
}

/// The demo authenticator: pick one of a few fictional identities. Only used on demo data.
#[derive(Debug, Clone, Default)]
pub struct DemoAuthenticator {
    identities: Vec<(LoginOption, Identity)>,
}

impl DemoAuthenticator {
    /// A demo authenticator offering `identities`.
    pub fn new(identities: Vec<(LoginOption, Identity)>) -> Self {
        DemoAuthenticator { identities }
    }
}

#[async_trait::async_trait]
impl Authenticator for DemoAuthenticator {
    fn is_demo(&self) -> bool {
        true
    }

    fn options(&self) -> Vec<LoginOption> {
        self.identities.iter().map(|(o, _)| o.clone()).collect()
    }

    fn attempt_key(&self, form: &FormData) -> String {
        form.get("identitet").to_owned()
    }

    async fn complete(&self, form: &FormData) -> Result<Identity, AuthError> {
        let key = form.get("identitet");
        self.identities
            .iter()
            .find(|(o, _)| o.key == key)
            .map(|(_, i)| i.clone())
            .ok_or_else(|| AuthError("Vælg en identitet.".into()))
    }
}

/// The OpenID Connect login plugs in here rather than in [`oidc`], which the port names (its
/// [`Authenticator::oidc`] hook): so the port and the login do not import each other.
#[cfg(feature = "oidc")]
#[async_trait::async_trait]
impl Authenticator for oidc::OidcLogin {
    fn is_demo(&self) -> bool {
        false
    }

    fn options(&self) -> Vec<LoginOption> {
        self.login_options()
    }

    /// Nothing is posted to the login form: the buttons start the login at a provider.
    async fn complete(&self, _form: &FormData) -> Result<Identity, AuthError> {
        Err(AuthError(
            "Log ind med en af knapperne: login sker hos login-tjenesten.".into(),
        ))
    }

    fn attempt_key(&self, _form: &FormData) -> String {
        String::new()
    }

    async fn end_session_url(&self, identity: &Identity) -> Option<String> {
        self.logout_url(identity).await
    }

    fn oidc(&self) -> Option<&oidc::OidcLogin> {
        Some(self)
    }
}
