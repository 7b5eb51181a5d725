//! Election day (*valgdag*): the station's check-in page on a phone (its responsible or chair
//! marks each expected person arrived, not arrived or left early, and offers a missing
//! person's seat to the day's reserves), the secretariat's board per station and its reserves,
//! the reserve sign-up page (the link the secretariat shares) and the take page every offer's
//! message links to. Plain forms and links: no JavaScript, refreshed by reloading.

mod board;
mod checkin;
mod common;
mod reserve;

use crate::state::PortalState;
use axum::Router;

/// The election-day area's routes.
pub fn router() -> Router<PortalState> {
    Router::new()
        .merge(checkin::router())
        .merge(board::router())
        .merge(reserve::router())
}
