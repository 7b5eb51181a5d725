//! placeholder
pub use valghalla_core as core;
