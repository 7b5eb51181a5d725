//! The floor every page area stands on: who is looking ([`extract`]), errors as Danish pages
//! ([`error`], [`error_pages`]), forms ([`forms`]), the layout ([`layout`]) and Danish
//! formatting ([`format`], used by [`views`]), file downloads ([`download`]), paged and searched lists
//! ([`paging`]), the session's data ([`session`]), CSRF ([`csrf`]) and the checks
//! every request passes ([`guard`]). Nothing here imports a page area, and no two of these
//! modules import each other.

pub mod charts;
pub mod confirm;
pub mod csrf;
pub mod download;
pub mod error;
pub mod error_pages;
pub mod extract;
pub mod format;
pub mod forms;
pub mod guard;
pub mod layout;
pub mod paging;
pub mod session;
pub mod views;

pub use error::AppError;
pub use extract::{Me, Viewer};
pub use forms::{Choice, FormData, FormErrors};
pub use layout::Layout;
pub use session::random_token;
pub use views::render;
