//! The election secretariat's pages: elections, the staffing overview, seat distribution,
//! stations and their seats, participants, master data, links, communication and message
//! templates, downloads, the operations page ("Drift") and the audit log.
//!
//! Each submodule is one page area with its own routes; [`common`] holds what they share and
//! [`seat_filters`] the row filter of the seat lists.
//! No submodule imports another, except the grid, which embeds the council form of
//! [`distribution`].

mod attention;
mod audit;
mod autofill;
mod common;
mod communication;
mod communication_log;
mod distribution;
mod election_settings;
mod elections;
mod exports;
mod grid;
mod import;
mod inbox;
mod invite_list;
mod links;
mod master;
mod move_holder;
mod move_vacant;
mod new_holder;
mod operations;
mod overview;
mod participant_list;
mod participants;
mod responsibilities;
mod seat_filters;
mod station;
mod templates;

use axum::Router;

use crate::state::PortalState;

/// Every secretariat route.
pub fn router() -> Router<PortalState> {
    Router::new()
        .merge(elections::router())
        .merge(election_settings::router())
        .merge(overview::router())
        .merge(attention::router())
        .merge(grid::router())
        .merge(distribution::router())
        .merge(autofill::router())
        .merge(station::router())
        .merge(invite_list::router())
        .merge(new_holder::router())
        .merge(move_holder::router())
        .merge(move_vacant::router())
        .merge(participant_list::router())
        .merge(participants::router())
        .merge(import::router())
        .merge(responsibilities::router())
        .merge(master::router())
        .merge(links::router())
        .merge(communication::router())
        .merge(communication_log::router())
        .merge(inbox::router())
        .merge(templates::router())
        .merge(exports::router())
        .merge(operations::router())
        .merge(audit::router())
}
