//! The floor every page area stands on: who is looking ([`extract`]), errors as Danish pages
//! ([`error`]), forms ([`forms`]), the layout and Danish formatting ([`views`]), the session's
//! data ([`session`]), CSRF ([`csrf`]), login limits ([`limits`]) and the checks every request
//! passes ([`guard`]). Nothing here imports a page area.

pub mod csrf;
pub mod error;
pub mod extract;
pub mod forms;
pub mod guard;
pub mod limits;
pub mod session;
pub mod views;

pub use error::AppError;
pub use extract::{Me, Viewer};
pub use forms::{Choice, FormData, FormErrors};
pub use views::{Layout, render};

/// 256 random bits as hex (thread-local CSPRNG, seeded from the OS).
pub fn random_token() -> String {
    format!(
        "{:032x}{:032x}",
        rand::random::<u128>(),
        rand::random::<u128>()
    )
}
