//! Citizens: the public page of a link and signing up through it, the answer page of an
//! invitation, "mine opgaver", the vacant tasks of one's teams and "min profil".

mod common;
mod invitation;
mod link;
mod profile;
mod tasks;
mod vacancies;

use axum::Router;

use crate::state::PortalState;

/// Every citizen route.
pub fn router() -> Router<PortalState> {
    Router::new()
        .merge(link::router())
        .merge(invitation::router())
        .merge(tasks::router())
        .merge(profile::router())
        .merge(vacancies::router())
}
