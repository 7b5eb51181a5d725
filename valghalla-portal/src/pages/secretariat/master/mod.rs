//! Master data: areas, work locations, task types, teams, special diets and election types —
//! listed ([`list`]), created, edited and deleted by one flow ([`page`]), one module per kind for
//! what is its own (its fields and which core command to call).
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
mod page;
mod task_types;
mod teams;

use crate::state::PortalState;
use axum::Router;
use axum::routing::{get, post};
use page::Kind;

/// Every master-data route.
pub fn router() -> Router<PortalState> {
    let router = Router::new()
        .route("/sekretariat/stamdata", get(list::master_data))
        .route("/sekretariat/stamdata/{kind}", post(list::create_master));
    let router = routes::<areas::Areas>(router);
    let router = routes::<diets::Diets>(router);
    let router = routes::<teams::Teams>(router);
    let router = routes::<task_types::TaskTypes>(router);
    let router = routes::<locations::Locations>(router);
    routes::<election_types::ElectionTypes>(router)
}

/// A kind's form (`GET`/`POST …/{SLUG}/{id}`) and its deletion (`POST …/{SLUG}/{id}/slet`).
fn routes<K: Kind>(router: Router<PortalState>) -> Router<PortalState> {
    router
        .route(
            &format!("/sekretariat/stamdata/{}/{{id}}", K::SLUG),
            get(page::page::<K>).post(page::save::<K>),
        )
        .route(
            &format!("/sekretariat/stamdata/{}/{{id}}/slet", K::SLUG),
            post(page::delete::<K>),
        )
}
