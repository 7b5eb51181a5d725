//! # valghalla-portal
//!
//! The web host of valghalla: server-rendered pages for the election secretariat, party
//! secretaries, work-location responsibles and citizens over the library's service, the
//! scheduler that sends the messages and runs the daily jobs, and sessions kept in the same
//! database as the data.
//!
//! A municipality mounts the portal in its own axum application:
//!
//! ```no_run
//! # async fn host(svc: valghalla::Valghalla, auth: std::sync::Arc<dyn valghalla_portal::Authenticator>)
//! #     -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use valghalla_portal::{PortalConfig, PortalState, Sessions, Tenant};
//!
//! let state = PortalState::single(
//!     PortalConfig::default(),
//!     Tenant::new("korsbaek", svc, auth),
//!     Sessions::sqlite("valghalla.db").await?,
//! );
//! let app = axum::Router::new().nest("/valg", valghalla_portal::router(state));
//! # Ok(()) }
//! ```
//!
//! or runs the binary (`valghalla-portal --help`), which does the same from flags and adds the
//! [`Scheduler`] and a graceful shutdown. How people log in is the [`Authenticator`] port.
//!
//! The code is laid out by page area (`pages/`): each area is a leaf module with its own
//! routes; what they share — the viewer, errors, forms, layout, CSRF — is in `web/`, and the
//! router is assembled in one place (`router.rs`).

pub mod admin;
pub mod auth;
mod board;
pub mod channels;
pub mod config;
pub mod demo;
mod form;
pub mod host;
mod limits;
mod page_cache;
mod pages;
mod router;
pub mod scheduler;
pub mod sessions;
mod state;
mod web;

pub use auth::{AuthError, Authenticator, DemoAuthenticator, Identity, LoginOption};
pub use config::{LoginLimits, PortalConfig, ScheduleConfig, SessionConfig};
pub use form::{BadInput, FormData};
pub use host::{HostOptions, run, serve, serve_router};
pub use page_cache::PageCache;
pub use router::router;
pub use scheduler::Scheduler;
pub use sessions::Sessions;
pub use state::{PortalState, SecretariatContact, StateError, Tenant, TenantState};
