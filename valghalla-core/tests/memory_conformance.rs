//! The memory store runs the whole conformance suite.
#![allow(clippy::expect_used, reason = "tests")]

use std::sync::Arc;

use valghalla_core::memory::MemoryStore;
use valghalla_core::store::DynStore;

async fn fresh_store() -> DynStore {
    Arc::new(MemoryStore::new())
}

valghalla_core::conformance_tests!(fresh_store);
