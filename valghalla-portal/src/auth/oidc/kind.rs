//! The two kinds of OpenID provider a municipality configures, and their part of the paths.

use serde::{Deserialize, Serialize};

/// Which provider: the citizens' or the staff's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// Citizens (MitID).
    Citizen,
    /// Staff (the municipality's directory).
    Staff,
}

impl Kind {
    /// Its part of the paths: `/auth/borger/…`, `/auth/personale/…`.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Citizen => "borger",
            Kind::Staff => "personale",
        }
    }

    /// The kind of a path part.
    pub fn from_path(s: &str) -> Option<Kind> {
        match s {
            "borger" => Some(Kind::Citizen),
            "personale" => Some(Kind::Staff),
            _ => None,
        }
    }
}
