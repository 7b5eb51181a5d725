//! Logging in: the [`Authenticator`] a municipality plugs in (SAML/OIDC: MitID for citizens,
//! its own directory for staff) and the demo authenticator. The pages are in `pages::login`.

use serde::{Deserialize, Serialize};
use valghalla_core::Cpr;
use valghalla_core::rules::access::StaffRole;

use crate::form::FormData;

/// Who logged in, as the identity provider vouches for them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Identity {
    /// Someone in the election secretariat (from the municipality's directory).
    Staff {
        /// User name (for the audit log).
        user: String,
        /// Display name.
        name: String,
        /// Role.
        role: StaffRole,
    },
    /// A citizen, authenticated with MitID: their CPR number comes from the identity provider,
    /// never from a URL. It is only kept in the server-side session.
    Citizen {
        /// CPR number.
        cpr: Cpr,
        /// Display name.
        name: String,
    },
}

impl Identity {
    /// The name shown in the page header.
    pub fn display_name(&self) -> &str {
        match self {
            Identity::Staff { name, .. } | Identity::Citizen { name, .. } => name,
        }
    }
}

/// A way to log in offered on the login page.
#[derive(Debug, Clone)]
pub struct LoginOption {
    /// The value posted when it is chosen.
    pub key: String,
    /// Its label.
    pub label: String,
    /// What it is.
    pub description: String,
}

/// Why a login failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct AuthError(pub String);

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
