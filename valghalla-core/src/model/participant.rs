//! Participants (*deltagere*): people identified by CPR number.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::cpr::Cpr;
use crate::ids::{ParticipantId, SpecialDietId, TeamId, WorkLocationId};
use crate::model::Address;
use crate::values::{Email, MobileNumber, MunicipalityCode};

/// An ISO 3166-1 alpha-2 country code (`DK`, `DE`, …), for citizenship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CountryCode([u8; 2]);

/// EU member states (2026).
const EU: [&str; 27] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

impl CountryCode {
    /// Denmark.
    pub const DENMARK: CountryCode = CountryCode(*b"DK");

    /// Parses two ASCII letters (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.trim().as_bytes();
        (b.len() == 2 && b.iter().all(u8::is_ascii_alphabetic))
            .then(|| CountryCode([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Whether the country is an EU member state.
    pub fn is_eu(&self) -> bool {
        EU.contains(&self.as_str())
    }

    /// Whether the country is Iceland or Norway (equal to EU citizens in local elections).
    pub fn is_iceland_or_norway(&self) -> bool {
        matches!(&self.0, b"IS" | b"NO")
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a CPR registry says about a person. Refreshed by re-validation; never edited by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    /// First and middle names.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Current address, if in Denmark.
    pub address: Option<Address>,
    /// Municipality of residence (none when living abroad).
    pub municipality: Option<MunicipalityCode>,
    /// Citizenship.
    pub citizenship: Option<CountryCode>,
    /// Birth date (as the registry has it; normally the one the CPR number encodes).
    pub birth_date: NaiveDate,
    /// Dead or missing (CPR status 90 or 70).
    pub deceased: bool,
    /// Under guardianship that removes legal capacity (*umyndiggjort*).
    pub under_guardianship: bool,
    /// Name and address protection (*navne- og adressebeskyttelse*).
    pub protected_address: bool,
    /// Not subscribed to Digital Post.
    pub exempt_from_digital_post: bool,
    /// Since when the person has lived in the realm without interruption, when the registry
    /// says so (for the four-year rule in local elections).
    pub resident_in_realm_since: Option<NaiveDate>,
}

impl PersonRecord {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// How to reach a participant.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    /// Mobile number.
    pub mobile: Option<MobileNumber>,
    /// E-mail.
    pub email: Option<Email>,
}

/// A participant's consent to be kept after their last election, with the version of the text
/// they agreed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Version label of the consent text shown.
    pub text_version: String,
    /// When.
    pub given_at: DateTime<Utc>,
}

/// A person who can hold seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Id.
    pub id: ParticipantId,
    /// CPR number (unique among participants).
    pub cpr: Cpr,
    /// Registry data.
    pub person: PersonRecord,
    /// Contact details.
    pub contact: Contact,
    /// Special diets.
    pub special_diets: BTreeSet<SpecialDietId>,
    /// Teams the person is a member of.
    pub teams: BTreeSet<TeamId>,
    /// The station the person would rather work at.
    pub preferred_work_location: Option<WorkLocationId>,
    /// When the registry data was last refreshed.
    pub last_validated_at: Option<DateTime<Utc>>,
    /// Consent to be kept after the last election.
    pub consent: Option<Consent>,
    /// When the participant was created.
    pub created_at: DateTime<Utc>,
}

impl Participant {
    /// "First Last".
    pub fn full_name(&self) -> String {
        self.person.full_name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_know_the_eu_and_its_neighbours() {
        assert!(CountryCode::parse("dk").unwrap().is_eu());
        assert!(CountryCode::parse("DE").unwrap().is_eu());
        assert!(!CountryCode::parse("NO").unwrap().is_eu());
        assert!(CountryCode::parse("NO").unwrap().is_iceland_or_norway());
        assert!(!CountryCode::parse("GB").unwrap().is_eu());
        assert!(CountryCode::parse("DNK").is_none());
    }
}
