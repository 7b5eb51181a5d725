//! What the citizen pages share.

use std::collections::BTreeSet;

use valghalla::core::Cpr;
use valghalla::core::ids::SpecialDietId;
use valghalla::core::rules::access::Actor;

use crate::auth::Identity;
use crate::state::Tenant;
use crate::web::{AppError, Choice, Me};

/// The special diets as checkboxes, `chosen` ticked.
pub async fn diets(
    state: &Tenant,
    chosen: &BTreeSet<SpecialDietId>,
) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .svc
        .special_diets(&Actor::Anonymous)
        .await?
        .into_iter()
        .map(|d| Choice {
            value: d.id.to_string(),
            label: d.title.to_string(),
            selected: chosen.contains(&d.id),
        })
        .collect())
}

/// The logged-in citizen's CPR number and name (`None` for staff).
pub fn citizen(me: &Me) -> Option<(Cpr, String)> {
    match me.0.identity() {
        Some(Identity::Citizen { cpr, name }) => Some((*cpr, name.clone())),
        _ => None,
    }
}
