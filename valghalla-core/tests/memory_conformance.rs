//! The memory store runs the whole conformance suite.
#![allow(clippy::expect_used, reason = "tests")]

use std::sync::Arc;

use valghalla_core::memory::MemoryStore;
use valghalla_core::store::DynStore;
use valghalla_core::testkit::conformance::Capabilities;

async fn fresh_store() -> DynStore {
    Arc::new(MemoryStore::new())
}

// The memory store keeps the contract and nothing more: it does not enforce references.
valghalla_core::conformance_tests!(fresh_store, capabilities = Capabilities::CONTRACT);
