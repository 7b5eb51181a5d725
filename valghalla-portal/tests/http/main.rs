//! HTTP-level tests of the portal, through `tower::ServiceExt::oneshot` on the router over the
//! memory store: every page's authorization, CSRF, security headers, CPR privacy, form errors,
//! the seat flows, distribution, templates, downloads, sessions, hardening and the links in
//! messages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

mod access;
mod attention;
mod audit_log;
mod calendar;
mod citizens;
#[allow(dead_code, reason = "the other test binaries use all of it")]
mod common;
mod communication_log;
mod distribution;
mod election_day;
mod elections;
mod exports;
mod hardening;
mod import;
mod invite_list;
mod late;
mod links;
mod list_filters;
mod master_data;
mod notes;
mod participant_page;
mod party;
mod readable;
mod responsibilities;
mod seat_moves;
mod seats;
mod sessions;
mod templates;
mod threads;
