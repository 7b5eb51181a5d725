//! From a verified ID token's claims to who logged in: pure functions. A citizen is their CPR
//! number (from the configured claim); a staff member is the secretariat role their groups or
//! roles map to. The claims' `Debug` names only the claims, never their values.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use valghalla_core::Cpr;
use valghalla_core::rules::access::StaffRole;

use super::refusal::LoginRefused;
use super::settings::StaffSettings;
use crate::auth::Identity;

/// The claims of an ID token beyond the standard ones (the CPR number, groups …), as the
/// token carries them; `Debug` shows only their names.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct ExtraClaims(Map<String, Value>);

impl openidconnect::AdditionalClaims for ExtraClaims {}

impl std::fmt::Debug for ExtraClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Every claim of a verified ID token, by name (a CPR number among them: `Debug` shows only
/// the names).
#[derive(Clone, Default)]
pub struct Claims {
    all: Map<String, Value>,
}

impl std::fmt::Debug for Claims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.all.keys()).finish()
    }
}

impl Claims {
    /// Claims from a JSON object.
    pub fn from_json(all: Map<String, Value>) -> Self {
        Claims { all }
    }

    /// The claims of a verified ID token: the standard claims a login reads and every other.
    pub fn from_id_token(
        token: &openidconnect::IdTokenClaims<ExtraClaims, openidconnect::core::CoreGenderClaim>,
    ) -> Self {
        let mut all = token.additional_claims().0.clone();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(v) = value {
                all.insert(name.to_owned(), Value::String(v));
            }
        };
        put("sub", Some(token.subject().to_string()));
        put(
            "name",
            token
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
        );
        put(
            "given_name",
            token
                .given_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
        );
        put(
            "family_name",
            token
                .family_name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
        );
        put(
            "preferred_username",
            token.preferred_username().map(|n| n.to_string()),
        );
        put("email", token.email().map(|e| e.to_string()));
        Claims { all }
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.all
            .get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The display name: `name`, else given and family name, else `fallback`.
    fn display_name(&self, fallback: &str) -> String {
        if let Some(n) = self.text("name") {
            return n.to_owned();
        }
        let parts: Vec<&str> = [self.text("given_name"), self.text("family_name")]
            .into_iter()
            .flatten()
            .collect();
        if parts.is_empty() {
            fallback.to_owned()
        } else {
            parts.join(" ")
        }
    }

    /// The values of `claim`: a string (space-separated values) or a list of strings.
    fn values(&self, claim: &str) -> Vec<&str> {
        match self.all.get(claim) {
            Some(Value::String(s)) => s.split_whitespace().collect(),
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// The citizen the claims vouch for: the CPR number from `cpr_claim`.
pub fn citizen(claims: &Claims, cpr_claim: &str) -> Result<Identity, LoginRefused> {
    let cpr = claims
        .text(cpr_claim)
        .and_then(|c| Cpr::parse(c).ok())
        .ok_or(LoginRefused::NoCpr)?;
    Ok(Identity::Citizen {
        cpr,
        name: claims.display_name("MitID-bruger"),
    })
}

/// The staff member the claims vouch for, with the role their groups give (administrator wins).
pub fn staff(claims: &Claims, settings: &StaffSettings) -> Result<Identity, LoginRefused> {
    let theirs = claims.values(&settings.role_claim);
    let has = |wanted: &[String]| theirs.iter().any(|v| wanted.iter().any(|w| w == v));
    let role = if has(&settings.admin_values) {
        StaffRole::Administrator
    } else if has(&settings.reader_values) {
        StaffRole::Reader
    } else {
        return Err(LoginRefused::NoStaffRole);
    };
    let user = claims
        .text("preferred_username")
        .or_else(|| claims.text("email"))
        .or_else(|| claims.text("sub"))
        .ok_or(LoginRefused::InvalidToken)?
        .to_owned();
    Ok(Identity::Staff {
        name: claims.display_name(&user),
        user,
        role,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::auth::oidc::settings::{ProviderSettings, Secret};

    fn claims(v: Value) -> Claims {
        match v {
            Value::Object(m) => Claims::from_json(m),
            _ => Claims::default(),
        }
    }

    fn staff_settings() -> StaffSettings {
        StaffSettings {
            provider: ProviderSettings {
                issuer: "https://ad.example".into(),
                client_id: "valg".into(),
                client_secret: Secret::new("x"),
                scopes: vec![],
            },
            role_claim: "groups".into(),
            admin_values: vec!["valg-admin".into()],
            reader_values: vec!["valg-laesere".into()],
        }
    }

    #[test]
    fn a_citizen_is_the_cpr_number_of_the_configured_claim() {
        let c = claims(json!({"sub": "x", "name": "Agnes Jensen", "cpr": "010180-1234"}));
        match citizen(&c, "cpr") {
            Ok(Identity::Citizen { cpr, name }) => {
                assert_eq!(cpr.reveal(), "0101801234");
                assert_eq!(name, "Agnes Jensen");
            }
            other => unreachable!("{other:?}"),
        }
        assert_eq!(citizen(&c, "other-claim").err(), Some(LoginRefused::NoCpr));
        let bad = claims(json!({"cpr": "1234"}));
        assert_eq!(citizen(&bad, "cpr").err(), Some(LoginRefused::NoCpr));
    }

    #[test]
    fn claims_debug_shows_names_not_values() {
        let c = claims(json!({"cpr": "0101801234", "name": "Agnes"}));
        let shown = format!("{c:?}");
        assert!(
            shown.contains("cpr") && !shown.contains("0101801234"),
            "{shown}"
        );
    }

    #[test]
    fn staff_roles_come_from_groups_administrator_first() {
        let s = staff_settings();
        let admin = claims(
            json!({"sub": "1", "preferred_username": "anne", "groups": ["valg-laesere", "valg-admin"]}),
        );
        assert!(matches!(
            staff(&admin, &s),
            Ok(Identity::Staff { role: StaffRole::Administrator, ref user, .. }) if user == "anne"
        ));
        let reader = claims(json!({"sub": "2", "email": "lars@x.dk", "groups": "it valg-laesere"}));
        assert!(matches!(
            staff(&reader, &s),
            Ok(Identity::Staff { role: StaffRole::Reader, ref user, .. }) if user == "lars@x.dk"
        ));
        let nobody = claims(json!({"sub": "3", "groups": ["it-afdelingen"]}));
        assert_eq!(staff(&nobody, &s).err(), Some(LoginRefused::NoStaffRole));
        let no_claim = claims(json!({"sub": "4"}));
        assert_eq!(staff(&no_claim, &s).err(), Some(LoginRefused::NoStaffRole));
    }
}
