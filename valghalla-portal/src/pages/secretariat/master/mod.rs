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
mod form;
mod list;
mod locations;
mod task_types;
mod teams;

use crate::state::PortalState;
use axum::Router;
use axum::routing::{get, post};

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
