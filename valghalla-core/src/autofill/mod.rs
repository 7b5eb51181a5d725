//! Auto-fill.
