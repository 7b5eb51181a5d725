//! **valghalla** staffs Danish elections: polling stations, seats per party and task, the people
//! in them, and the rules that govern it all.
//!
//! This facade re-exports [`valghalla_core`] (the domain, the rules, the service and the
//! in-memory store) and, behind features, the stores:
//!
//! - `sqlite` (default): [`sqlite`], the embedded store;
//! - `postgres`: [`postgres`], for hosting many municipalities;
//! - `channels` / `smtp`: [`channels`], message senders that need I/O (a file channel for
//!   development; SMTP e-mail with `smtp`).
//!
//! See the README for a quick start and `ARCHITECTURE.md` for the layout.

pub use valghalla_core as core;
pub use valghalla_core::{Error, Valghalla};

/// The embedded SQLite store.
#[cfg(feature = "sqlite")]
pub use valghalla_store_sqlite as sqlite;

/// The Postgres store.
#[cfg(feature = "postgres")]
pub use valghalla_store_pg as postgres;

/// Message channels (file channel; SMTP e-mail with the `smtp` feature).
#[cfg(feature = "channels")]
pub use valghalla_channels as channels;
