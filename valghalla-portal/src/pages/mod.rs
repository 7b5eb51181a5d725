//! The page areas. Each is a leaf with its own `router()`: none imports another; what they
//! share is in [`crate::web`].

pub mod citizen;
pub mod contact;
pub mod election_day;
pub mod location;
pub mod login;
#[cfg(feature = "oidc")]
pub mod oidc;
pub mod party;
pub mod printouts;
pub mod secretariat;
pub mod system;
pub mod threads;
