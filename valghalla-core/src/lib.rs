#![doc = include_str!("../README.md")]
#![deny(rustdoc::broken_intra_doc_links)]
// `pub` means public: an item no host or store implementer can reach is `pub(crate)`.
#![warn(unreachable_pub)]

pub mod apportion;
pub mod autofill;
pub mod collation;
pub mod cpr;
pub mod exchange;
pub(crate) mod flow;
pub mod ids;
pub mod jobs;
pub mod memory;
pub mod messages;
pub mod model;
pub mod rules;
pub mod service;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod time;
pub mod transfer;
pub mod values;

pub use cpr::{Cpr, CprError};
pub use service::{Error, Valghalla};
pub use values::{DanishMessage, Email, FieldError, MobileNumber, MunicipalityCode, PostalCode};
