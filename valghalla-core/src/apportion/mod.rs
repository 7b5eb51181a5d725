//! Apportionment.
