//! Master data: areas, work locations, task types, teams, special diets and election types —
//! listed ([`list`]), created, edited and deleted, one module per kind.
//!
//! Every kind has the same addresses: `GET /sekretariat/stamdata/{kind}/{id}` shows its form
//! (`ny`: an empty one), `POST` to the same address saves it (`ny`: creates it), and
//! `POST …/{id}/slet` deletes it. A refusal (a name in use, taken seats, something still using
//! it) comes back from the core in Danish and is shown at the form; nothing is saved.

mod areas;
mod diets;
mod election_types;
mod list;
mod locations;
mod task_types;
mod teams;

use axum::Router;
use axum::routing::{get, post};
use valghalla::core::DanishMessage;

use crate::state::PortalState;
use crate::web::{AppError, FormErrors};

/// Every master-data route.
pub fn router() -> Router<PortalState> {
    Router::new()
        .route("/sekretariat/stamdata", get(list::master_data))
        .route("/sekretariat/stamdata/{kind}", post(list::create_master))
        .route(
            "/sekretariat/stamdata/omraade/{id}",
            get(areas::page).post(areas::save),
        )
        .route(
            "/sekretariat/stamdata/omraade/{id}/slet",
            post(areas::delete),
        )
        .route(
            "/sekretariat/stamdata/kost/{id}",
            get(diets::page).post(diets::save),
        )
        .route("/sekretariat/stamdata/kost/{id}/slet", post(diets::delete))
        .route(
            "/sekretariat/stamdata/team/{id}",
            get(teams::page).post(teams::save),
        )
        .route("/sekretariat/stamdata/team/{id}/slet", post(teams::delete))
        .route(
            "/sekretariat/stamdata/opgavetype/{id}",
            get(task_types::page).post(task_types::save),
        )
        .route(
            "/sekretariat/stamdata/opgavetype/{id}/slet",
            post(task_types::delete),
        )
        .route(
            "/sekretariat/stamdata/valgsted/{id}",
            get(locations::page).post(locations::save),
        )
        .route(
            "/sekretariat/stamdata/valgsted/{id}/slet",
            post(locations::delete),
        )
        .route(
            "/sekretariat/stamdata/valgtype/{id}",
            get(election_types::page).post(election_types::save),
        )
        .route(
            "/sekretariat/stamdata/valgtype/{id}/slet",
            post(election_types::delete),
        )
}

/// Which record a form is about: a new one (`ny`) or an existing one by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which<Id> {
    New,
    Existing(Id),
}

impl<Id: std::str::FromStr> Which<Id> {
    /// The `{id}` of an address: `ny` or an id; anything else is a page that does not exist.
    fn parse(raw: &str) -> Result<Self, AppError> {
        if raw == "ny" {
            return Ok(Which::New);
        }
        raw.parse()
            .map(Which::Existing)
            .map_err(|_| AppError::NotFound)
    }
}

/// The service's objection to a form, placed at the field it is about: invalid input at its
/// field (`field_of` maps the core's English field name to the form's field id), a conflict or
/// refusal at `general`. A denial or failure is no objection to the form: it stays an error.
fn objection(
    e: valghalla::Error,
    field_of: impl Fn(&str) -> &'static str,
    general: &str,
) -> Result<FormErrors, AppError> {
    let mut errors = FormErrors::none();
    match &e {
        valghalla::Error::Invalid(f) => errors.add(field_of(f.field), f.message_da()),
        valghalla::Error::Conflict(_) | valghalla::Error::Refused(_) => {
            errors = FormErrors::from_service(general, &e);
        }
        _ => return Err(e.into()),
    }
    Ok(errors)
}

/// A checkbox's value as a form posts it.
fn ticked(on: bool) -> String {
    if on { "1".into() } else { String::new() }
}
