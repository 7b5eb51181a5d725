//! The storage contract.
//!
//! A store keeps [`Record`]s with versions, answers a small set of [`Query`]s, and applies a
//! [`ChangeSet`] **atomically**: every precondition holds and every write, audit entry and
//! outgoing message is stored — or nothing is. That one write is how the service stays correct
//! under concurrency (two commands can never double-book a seat or a person, and no update is
//! lost) and how the outbox guarantees that a message exists if and only if its change happened.
//!
//! Stores are used as `Arc<dyn Store>`, so a host picks one at run time. Each store maps its own
//! errors into [`StoreError`]; a failed precondition and a uniqueness violation are both
//! [`StoreError::Conflict`] on every store.
//!
//! # Implementing a store
//!
//! Implement [`Store`] and run the conformance suite from the `testkit` feature against it
//! (`valghalla_core::conformance_tests!`). The in-memory [`crate::memory::MemoryStore`] is the
//! reference implementation.

mod outbox;

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::cpr::Cpr;
use crate::ids::{ElectionId, ParticipantId, SeatId, TeamId, WorkLocationId};
use crate::model::{AuditEntry, LinkToken, Op, Record, RecordKey, RecordKind, SlotKey, Versioned};

pub use outbox::{DeliveryStatus, DeliveryUpdate, OutboxFilter, OutboxMessage};

/// What a change expects of the record it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expect {
    /// No precondition.
    Any,
    /// The record must not exist (an insert).
    Absent,
    /// The record must exist with exactly this version.
    Version(u64),
}

/// One write with its precondition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The write.
    pub op: Op,
    /// Its precondition.
    pub expect: Expect,
}

impl Change {
    /// Whether the change's precondition holds for its record at version `current` (`None`:
    /// the record does not exist). A touch needs its record even under [`Expect::Any`].
    pub fn precondition_holds(&self, current: Option<u64>) -> bool {
        match (self.expect, current) {
            (Expect::Any, None) => !matches!(self.op, Op::Touch(_)),
            (Expect::Any, Some(_)) | (Expect::Absent, None) => true,
            (Expect::Absent, Some(_)) | (Expect::Version(_), None) => false,
            (Expect::Version(v), Some(c)) => v == c,
        }
    }
}

/// Everything one command writes, applied atomically.
///
/// Semantics per op: `Put` inserts (version 1) or replaces (version + 1); `Delete` removes (a
/// missing record is fine under [`Expect::Any`]); `Touch` only increases the version (a missing
/// record is a conflict). A key may appear at most once per change set.
///
/// Whether a store also refuses dangling references (a seat's election and holder must exist
/// when the change set is written) is one of the capabilities it states to the conformance
/// suite (`testkit::conformance::Capabilities`); the service never writes one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    /// The writes.
    pub changes: Vec<Change>,
    /// Audit entries.
    pub audit: Vec<AuditEntry>,
    /// Outgoing messages (the transactional outbox).
    pub messages: Vec<OutboxMessage>,
}

impl ChangeSet {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.audit.is_empty() && self.messages.is_empty()
    }
}

/// The reads a store answers. Results come in no particular order; the service sorts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Every record of a kind.
    All(RecordKind),
    /// The seats of an election.
    SeatsOfElection(ElectionId),
    /// The seats of an election at one work location.
    SeatsAtLocation {
        /// Election.
        election: ElectionId,
        /// Work location.
        work_location: WorkLocationId,
    },
    /// The seats of one slot.
    SeatsOfSlot(SlotKey),
    /// The seats a participant holds or is invited to, in every election.
    SeatsOfParticipant(ParticipantId),
    /// The participant with a CPR number (at most one).
    ParticipantByCpr(Cpr),
    /// The members of a team.
    MembersOfTeam(TeamId),
    /// The link with a token (at most one).
    LinkByToken(LinkToken),
    /// The rejections in an election.
    RejectionsOfElection(ElectionId),
    /// A participant's rejections.
    RejectionsOfParticipant(ParticipantId),
    /// The threads a participant started with the secretariat.
    ThreadsOfParticipant(ParticipantId),
    /// The secretariat's notes about a participant.
    NotesOfParticipant(ParticipantId),
    /// What a command on a seat needs besides the seat, in one read: the seat's election, work
    /// location and team, and its holder (if any) with every seat the holder has. Records of
    /// several kinds; nothing if the seat does not exist.
    SeatContext(SeatId),
}

/// One read in a batch (see [`Store::read_many`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// One record by key (answers zero or one record).
    Get(RecordKey),
    /// The records a query selects.
    Query(Query),
}

/// What a command makes of the records it read (the answers to its reads, in order): the change
/// set to apply, or `None` to write nothing (see [`Store::read_and_apply`]).
pub type Decide = Box<dyn FnOnce(Vec<Vec<Versioned<Record>>>) -> Option<ChangeSet> + Send>;

/// Which audit entries to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only about this participant.
    pub participant: Option<ParticipantId>,
    /// Only about this election.
    pub election: Option<ElectionId>,
    /// At most this many, newest first (0: no limit).
    pub limit: usize,
}

/// Storage errors, the same on every store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A precondition failed or a uniqueness constraint was hit: someone else changed the data
    /// first. The service reloads and retries.
    #[error("conflict on {key:?}: {reason}")]
    Conflict {
        /// The record concerned, when known.
        key: Option<RecordKey>,
        /// What happened, without personal data.
        reason: String,
    },
    /// The store cannot be reached (connection refused, dropped, server restarting).
    #[error("{store} store unavailable: {message}")]
    Unavailable {
        /// Which store.
        store: &'static str,
        /// What happened.
        message: String,
    },
    /// Stored data could not be read back (a bug or a damaged database).
    #[error("{store} store holds data it cannot read: {message}")]
    Corrupt {
        /// Which store.
        store: &'static str,
        /// What happened.
        message: String,
    },
    /// Any other backend failure.
    #[error("{store} store failed: {message}")]
    Backend {
        /// Which store.
        store: &'static str,
        /// What happened.
        message: String,
    },
}

impl StoreError {
    /// A conflict on `key`.
    pub fn conflict(key: RecordKey, reason: impl Into<String>) -> Self {
        StoreError::Conflict {
            key: Some(key),
            reason: reason.into(),
        }
    }

    /// Whether retrying after reloading may succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// A storage backend.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// One record.
    async fn get(&self, key: RecordKey) -> Result<Option<Versioned<Record>>, StoreError>;

    /// The records a query selects.
    async fn query(&self, query: &Query) -> Result<Vec<Versioned<Record>>, StoreError>;

    /// Several reads at once, answered in order. A store that pays per round trip (a thread
    /// hop, a network call) should answer them in one; the default asks one by one.
    async fn read_many(&self, reads: &[Read]) -> Result<Vec<Vec<Versioned<Record>>>, StoreError> {
        let mut out = Vec::with_capacity(reads.len());
        for read in reads {
            out.push(match read {
                Read::Get(key) => self.get(*key).await?.into_iter().collect(),
                Read::Query(query) => self.query(query).await?,
            });
        }
        Ok(out)
    }

    /// Applies a change set atomically (see [`ChangeSet`]).
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError>;

    /// Reads, lets `decide` turn the answers into a change set, and applies it: a command's
    /// whole work in one call. The change set is applied as by [`Store::apply`], preconditions
    /// included.
    ///
    /// The default reads with [`Store::read_many`] and applies with [`Store::apply`], so another
    /// writer may come in between; the change set's preconditions then conflict and the caller
    /// tries again. A store whose round trips cost more than holding its write lock (SQLite's
    /// connection thread) may instead read, decide and write in one transaction and one round
    /// trip; `decide` then runs on the store's thread. `decide` is pure computation: it must not
    /// block or wait.
    async fn read_and_apply(&self, reads: &[Read], decide: Decide) -> Result<(), StoreError> {
        let answers = self.read_many(reads).await?;
        match decide(answers) {
            Some(changes) => self.apply(changes).await,
            None => Ok(()),
        }
    }

    /// Audit entries, newest first.
    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;

    /// Outbox messages, oldest first (messages created at the same instant in any order).
    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>, StoreError>;

    /// Records a delivery attempt. Conflicts if the message's attempt count is not
    /// `update.expected_attempts` (another dispatcher got there first).
    async fn record_delivery(&self, update: DeliveryUpdate) -> Result<(), StoreError>;

    /// Deletes audit entries older than `before`; returns how many.
    async fn purge_audit(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Deletes delivered or failed messages created before `before`; returns how many.
    async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

/// A store shared behind `Arc<dyn Store>`.
pub type DynStore = std::sync::Arc<dyn Store>;

/// Checks a change set for keys written twice (a bug in the caller, reported before touching
/// the store).
pub fn duplicate_keys(changes: &ChangeSet) -> Vec<RecordKey> {
    let mut seen: BTreeMap<RecordKey, usize> = BTreeMap::new();
    for c in &changes.changes {
        *seen.entry(c.op.key()).or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect()
}
