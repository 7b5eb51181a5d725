//! What the citizen pages share.

use std::collections::BTreeSet;

use valghalla::core::Cpr;
use valghalla::core::ids::SpecialDietId;
use valghalla::core::rules::access::Actor;

use crate::auth::Identity;
use crate::state::Tenant;
use crate::web::views::diet_checkboxes;
use crate::web::{AppError, Choice, Me};

/// The special diets as checkboxes, `chosen` ticked (the list anyone may read).
pub async fn diets(
    state: &Tenant,
    chosen: &BTreeSet<SpecialDietId>,
) -> Result<Vec<Choice>, AppError> {
    diet_checkboxes(&state.svc, &Actor::Anonymous, chosen).await
}

/// The logged-in citizen's CPR number and name (`None` for staff).
pub fn citizen(me: &Me) -> Option<(Cpr, String)> {
    match me.0.identity() {
        Some(Identity::Citizen { cpr, name }) => Some((*cpr, name.clone())),
        _ => None,
    }
}
