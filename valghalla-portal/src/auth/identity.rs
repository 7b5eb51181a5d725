//! What a login yields and offers, as plain values: who logged in ([`Identity`]), the ways to
//! log in the login page shows ([`LoginOption`]) and why a login failed ([`AuthError`]).

use serde::{Deserialize, Serialize};
use valghalla_core::Cpr;
use valghalla_core::rules::access::StaffRole;

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
    /// Where the login starts when the option is a redirect to an identity provider (a path
    /// on this site, e.g. `/auth/borger/login`): the login page links to it (with `?next=`)
    /// instead of offering it in its form.
    pub start: Option<String>,
}

/// Why a login failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct AuthError(pub String);
