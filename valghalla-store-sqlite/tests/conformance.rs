//! The shared conformance suite (`valghalla_core::conformance_tests!`), run against a file-backed
//! and an in-memory `SqliteStore`. SQLite enforces references with foreign keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::sync::Arc;

use valghalla_core::store::DynStore;
use valghalla_core::testkit::conformance::Capabilities;
use valghalla_store_sqlite::SqliteStore;

/// A database file in a fresh directory under cargo's `CARGO_TARGET_TMPDIR`. The store outlives
/// `fresh_store`, so the directories stay until the next run of this binary clears them.
mod file {
    use super::*;

    use std::path::PathBuf;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn root() -> &'static PathBuf {
        static ROOT: OnceLock<PathBuf> = OnceLock::new();
        ROOT.get_or_init(|| {
            let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sqlite-conformance");
            let _ = std::fs::remove_dir_all(&root);
            std::fs::create_dir_all(&root).expect("a directory for test databases");
            root
        })
    }

    async fn fresh_store() -> DynStore {
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = root().join(format!("{}.db", N.fetch_add(1, Ordering::Relaxed)));
        Arc::new(SqliteStore::open(path).expect("a new database"))
    }

    valghalla_core::conformance_tests!(
        fresh_store,
        capabilities = Capabilities::ENFORCING_REFERENCES
    );
}

mod memory {
    use super::*;

    async fn fresh_store() -> DynStore {
        Arc::new(SqliteStore::open_in_memory().expect("an in-memory database"))
    }

    valghalla_core::conformance_tests!(
        fresh_store,
        capabilities = Capabilities::ENFORCING_REFERENCES
    );
}
