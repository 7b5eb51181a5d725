//! Links that let people join a team or take a seat without an invitation.

use std::collections::BTreeSet;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::ids::{AreaId, ElectionId, LinkId, SeatId, TaskTypeId, TeamId, WorkLocationId};

/// 32 random bytes (256 bits) from the operating system's generator, URL-safe base64.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The secret part of a link URL. Random, not derived from any id, and revocable through its
/// [`Link`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LinkToken(String);

impl LinkToken {
    /// A fresh random token.
    pub fn generate() -> Self {
        LinkToken(random_token())
    }

    /// Wraps a token from a URL or a store.
    pub fn from_string(s: String) -> Self {
        LinkToken(s)
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

/// Which vacant seats a filtered vacancy link offers: always one team; everything else narrows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyFilter {
    /// The election.
    pub election: ElectionId,
    /// The team whose seats are offered.
    pub team: TeamId,
    /// Only these areas (empty: all).
    pub areas: BTreeSet<AreaId>,
    /// Only these work locations (empty: all).
    pub work_locations: BTreeSet<WorkLocationId>,
    /// Only these task types (empty: all).
    pub task_types: BTreeSet<TaskTypeId>,
    /// Only these dates (empty: all).
    pub dates: BTreeSet<NaiveDate>,
    /// Whether trusted task types are offered too.
    pub include_trusted: bool,
}

/// What a link gives access to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    /// Join a team.
    Team {
        /// The team.
        team: TeamId,
    },
    /// Browse and take vacant seats that match a filter.
    Vacancies(VacancyFilter),
    /// Take one particular seat.
    Seat {
        /// The seat.
        seat: SeatId,
    },
}

/// A link, identified publicly by its random token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Id.
    pub id: LinkId,
    /// The secret in the URL.
    pub token: LinkToken,
    /// What it opens.
    pub kind: LinkKind,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who made it: a team responsible's link offers trusted task types only while the
    /// secretariat allows it for the team ([`Team::responsibles_may_link_trusted`]). Links stored
    /// before this was recorded count as a team responsible's (they fail closed).
    ///
    /// [`Team::responsibles_may_link_trusted`]: crate::model::Team::responsibles_may_link_trusted
    #[serde(default)]
    pub made_by: LinkAuthor,
}

/// Who made a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LinkAuthor {
    /// The election secretariat.
    Secretariat,
    /// A team responsible (party secretary).
    #[default]
    TeamResponsible,
}

impl Link {
    /// Whether the link still works.
    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_carry_256_bits() {
        let a = LinkToken::generate();
        let b = LinkToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43); // 32 bytes in unpadded base64
        assert!(
            a.as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(format!("{a:?}"), "LinkToken(…)");
    }
}
