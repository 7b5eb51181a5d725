//! A municipality's complete data leaving one installation for another: every record of every
//! kind, the audit log and the outbox, read from any [`Store`] and written into an empty one
//! of any kind (a Postgres tenant into an SQLite file and back) through a versioned,
//! line-oriented file.
//!
//! # The file (`valghalla-tenant`, version 1)
//!
//! UTF-8 JSON lines, each ending in `\n`:
//!
//! 1. a header: `{"format":"valghalla-tenant","version":1,"exported_at":…,"source":…,"counts":{"records":…,"audit":…,"messages":…}}`;
//! 2. one line per record, `{"record":{"<Kind>":{…}}}` — the record in the stored form every
//!    store keeps ([`Record`](crate::model::Record)'s serde form), in key order;
//! 3. one line per audit entry, `{"audit":{…}}`, oldest first;
//! 4. one line per outbox message, `{"message":{…}}`, with its delivery state, oldest first;
//! 5. the end: `{"end":{"lines":N,"sha256":"…"}}` — how many lines came before it (the header
//!    included) and the SHA-256 of their bytes, newlines included, in lower-case hex.
//!
//! A reader refuses a file of another format or a newer version, a damaged line, counts that
//! do not match, a checksum that does not match, and a file without its end (cut short).
//! What a later version adds is new line kinds or new fields; a new record kind needs nothing
//! here: records are written through [`RecordKind::ALL`] and [`Record`](crate::model::Record)'s serde form.
//!
//! Versions (the stores' optimistic-concurrency counters) are not part of the data: an
//! imported record starts at version 1, as if written once in its new installation.
//!
//! # Privacy
//!
//! The file holds CPR numbers (participants' records). A host writes it readable by its owner
//! only and never prints or logs its lines; errors here name a line number and what is wrong
//! with it, never the value (serde's own messages can quote one, so they are not passed on).

mod data;
mod format;

pub use data::TenantData;

pub use format::{FORMAT, FormatError, Header, Problem, Summary, VERSION, decode, encode};

use crate::model::{Op, RecordKind};
use crate::store::{
    AuditFilter, Change, ChangeSet, Expect, OutboxFilter, Query, Store, StoreError,
};

/// Why data could not be written into a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The target already holds data: an import never merges into, or overwrites, a tenant.
    #[error(
        "the target already holds data ({0}); import into a new, empty tenant or database (nothing was written)"
    )]
    NotEmpty(String),
    /// The store failed; nothing was written (the import is one change set).
    #[error("the store failed, nothing was written: {0}")]
    Store(#[from] StoreError),
}

/// Reads everything `store` holds, in the canonical order.
///
/// # Errors
///
/// The store's error.
pub async fn read_tenant(store: &dyn Store) -> Result<TenantData, StoreError> {
    let mut data = TenantData::default();
    for kind in RecordKind::ALL {
        data.records.extend(
            store
                .query(&Query::All(kind))
                .await?
                .into_iter()
                .map(|v| v.value),
        );
    }
    data.audit = store.audit_log(&AuditFilter::default()).await?;
    data.messages = store.outbox(&OutboxFilter::default()).await?;
    data.normalise();
    Ok(data)
}

/// What an empty store must not hold, listed; empty when it holds nothing.
async fn held(store: &dyn Store) -> Result<Vec<String>, StoreError> {
    let mut held = Vec::new();
    for kind in RecordKind::ALL {
        let n = store.query(&Query::All(kind)).await?.len();
        if n > 0 {
            held.push(format!("{n} {}", kind.name()));
        }
    }
    let limited = AuditFilter {
        limit: 1,
        ..AuditFilter::default()
    };
    if !store.audit_log(&limited).await?.is_empty() {
        held.push("audit entries".into());
    }
    let one = OutboxFilter {
        limit: 1,
        ..OutboxFilter::default()
    };
    if !store.outbox(&one).await?.is_empty() {
        held.push("messages".into());
    }
    Ok(held)
}

/// Writes `data` into the empty `store` as one change set: all of it, or (on any failure)
/// nothing. Each record is inserted (`Expect::Absent`), so nothing is ever overwritten.
///
/// # Errors
///
/// [`ImportError::NotEmpty`] if the store holds anything; the store's error otherwise.
pub async fn write_tenant(store: &dyn Store, data: TenantData) -> Result<(), ImportError> {
    let held = held(store).await?;
    if !held.is_empty() {
        return Err(ImportError::NotEmpty(held.join(", ")));
    }
    let changes = ChangeSet {
        changes: data
            .records
            .into_iter()
            .map(|r| Change {
                op: Op::Put(r),
                expect: Expect::Absent,
            })
            .collect(),
        audit: data.audit,
        messages: data.messages,
    };
    if changes.is_empty() {
        return Ok(());
    }
    store.apply(changes).await?;
    Ok(())
}
