//! The in-memory store: the reference implementation of [`Store`], the model the other stores
//! are tested against, and the default for tests and the quick start.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::ids::{MessageId, SeatId};
use crate::model::{AuditEntry, Op, Record, RecordKey, RecordKind, Versioned};
use crate::store::{
    AuditFilter, ChangeSet, DeliveryStatus, DeliveryUpdate, OutboxFilter, OutboxMessage, Query,
    Store, StoreError, duplicate_keys,
};

#[derive(Debug, Default, Clone)]
struct State {
    records: BTreeMap<RecordKind, BTreeMap<RecordKey, Versioned<Record>>>,
    audit: Vec<AuditEntry>,
    outbox: BTreeMap<MessageId, OutboxMessage>,
}

/// A store that keeps everything in memory, behind one mutex.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        self.state.lock().map_err(|_| StoreError::Backend {
            store: "memory",
            message: "a thread panicked while holding the store".into(),
        })
    }
}

impl State {
    fn get(&self, key: &RecordKey) -> Option<&Versioned<Record>> {
        self.records.get(&key.kind()).and_then(|m| m.get(key))
    }

    fn of_kind(&self, kind: RecordKind) -> impl Iterator<Item = &Versioned<Record>> {
        self.records.get(&kind).into_iter().flat_map(|m| m.values())
    }

    fn seat_context(&self, seat: SeatId) -> Vec<Versioned<Record>> {
        let Some(Record::Seat(s)) = self.get(&RecordKey::Seat(seat)).map(|v| &v.value) else {
            return Vec::new();
        };
        let slot = s.slot;
        let holder = s.state.participant();
        let mut out: Vec<Versioned<Record>> = [
            RecordKey::Election(slot.election),
            RecordKey::WorkLocation(slot.work_location),
            RecordKey::Team(slot.team),
        ]
        .into_iter()
        .chain(holder.map(RecordKey::Participant))
        .filter_map(|key| self.get(&key).cloned())
        .collect();
        if let Some(h) = holder {
            let holders_seats = Query::SeatsOfParticipant(h);
            out.extend(
                self.of_kind(RecordKind::Seat)
                    .filter(|v| matches(&holders_seats, &v.value))
                    .cloned(),
            );
        }
        out
    }

    fn check(&self, changes: &ChangeSet) -> Result<(), StoreError> {
        let dups = duplicate_keys(changes);
        if let Some(key) = dups.first() {
            return Err(StoreError::Backend {
                store: "memory",
                message: format!("change set writes {key:?} twice"),
            });
        }
        for change in &changes.changes {
            let key = change.op.key();
            let current = self.get(&key).map(|v| v.version);
            if !change.precondition_holds(current) {
                return Err(StoreError::conflict(
                    key,
                    format!("expected {:?}, found version {current:?}", change.expect),
                ));
            }
        }
        self.check_unique(changes)
    }

    /// One participant per CPR number, one link per token — as the SQL stores' UNIQUE indexes.
    fn check_unique(&self, changes: &ChangeSet) -> Result<(), StoreError> {
        let written: BTreeSet<RecordKey> = changes
            .changes
            .iter()
            .filter(|c| !matches!(c.op, Op::Touch(_)))
            .map(|c| c.op.key())
            .collect();
        let mut cprs = BTreeSet::new();
        let mut tokens = BTreeSet::new();
        for change in &changes.changes {
            let Op::Put(record) = &change.op else {
                continue;
            };
            let taken = match record {
                Record::Participant(p) => {
                    !cprs.insert(p.cpr)
                        || self.of_kind(RecordKind::Participant).any(|v| {
                            matches!(&v.value, Record::Participant(o) if o.cpr == p.cpr && !written.contains(&v.value.key()))
                        })
                }
                Record::Link(l) => {
                    !tokens.insert(l.token.clone())
                        || self.of_kind(RecordKind::Link).any(|v| {
                            matches!(&v.value, Record::Link(o) if o.token == l.token && !written.contains(&v.value.key()))
                        })
                }
                _ => false,
            };
            if taken {
                return Err(StoreError::conflict(
                    record.key(),
                    "unique value already taken",
                ));
            }
        }
        Ok(())
    }

    fn apply(&mut self, changes: ChangeSet) {
        for change in changes.changes {
            let key = change.op.key();
            let table = self.records.entry(key.kind()).or_default();
            match change.op {
                Op::Put(record) => {
                    let version = table.get(&key).map_or(1, |v| v.version + 1);
                    table.insert(
                        key,
                        Versioned {
                            value: record,
                            version,
                        },
                    );
                }
                Op::Delete(_) => {
                    table.remove(&key);
                }
                Op::Touch(_) => {
                    if let Some(v) = table.get_mut(&key) {
                        v.version += 1;
                    }
                }
            }
        }
        self.audit.extend(changes.audit);
        for m in changes.messages {
            self.outbox.insert(m.id, m);
        }
    }
}

fn matches(query: &Query, record: &Record) -> bool {
    match (query, record) {
        (Query::All(kind), r) => r.key().kind() == *kind,
        (Query::SeatsOfElection(e), Record::Seat(s)) => s.slot.election == *e,
        (
            Query::SeatsAtLocation {
                election,
                work_location,
            },
            Record::Seat(s),
        ) => s.slot.election == *election && s.slot.work_location == *work_location,
        (Query::SeatsOfSlot(slot), Record::Seat(s)) => s.slot == *slot,
        (Query::SeatsOfParticipant(p), Record::Seat(s)) => s.state.participant() == Some(*p),
        (Query::ParticipantByCpr(cpr), Record::Participant(p)) => p.cpr == *cpr,
        (Query::MembersOfTeam(team), Record::Participant(p)) => p.teams.contains(team),
        (Query::LinkByToken(token), Record::Link(l)) => l.token == *token,
        (Query::RejectionsOfElection(e), Record::Rejection(r)) => r.slot.election == *e,
        (Query::RejectionsOfParticipant(p), Record::Rejection(r)) => r.participant == *p,
        (Query::ThreadsOfParticipant(p), Record::Thread(t)) => t.participant == *p,
        (Query::NotesOfParticipant(p), Record::Note(n)) => n.participant == *p,
        _ => false,
    }
}

fn kind_of(query: &Query) -> RecordKind {
    match query {
        Query::All(kind) => *kind,
        Query::SeatsOfElection(_)
        | Query::SeatsAtLocation { .. }
        | Query::SeatsOfSlot(_)
        | Query::SeatsOfParticipant(_) => RecordKind::Seat,
        Query::ParticipantByCpr(_) | Query::MembersOfTeam(_) => RecordKind::Participant,
        Query::LinkByToken(_) => RecordKind::Link,
        Query::RejectionsOfElection(_) | Query::RejectionsOfParticipant(_) => RecordKind::Rejection,
        Query::ThreadsOfParticipant(_) => RecordKind::Thread,
        Query::NotesOfParticipant(_) => RecordKind::Note,
        // Several kinds: answered by `State::seat_context`.
        Query::SeatContext(_) => RecordKind::Seat,
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn get(&self, key: RecordKey) -> Result<Option<Versioned<Record>>, StoreError> {
        Ok(self.lock()?.get(&key).cloned())
    }

    async fn query(&self, query: &Query) -> Result<Vec<Versioned<Record>>, StoreError> {
        let state = self.lock()?;
        if let Query::SeatContext(seat) = query {
            return Ok(state.seat_context(*seat));
        }
        Ok(state
            .of_kind(kind_of(query))
            .filter(|v| matches(query, &v.value))
            .cloned()
            .collect())
    }

    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        state.check(&changes)?;
        state.apply(changes);
        Ok(())
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let state = self.lock()?;
        let mut entries: Vec<AuditEntry> = state
            .audit
            .iter()
            .rev()
            .filter(|a| filter.participant.is_none_or(|p| a.participant == Some(p)))
            .filter(|a| filter.election.is_none_or(|e| a.election == Some(e)))
            .cloned()
            .collect();
        entries.sort_by_key(|a| std::cmp::Reverse(a.at));
        if filter.limit > 0 {
            entries.truncate(filter.limit);
        }
        Ok(entries)
    }

    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>, StoreError> {
        let state = self.lock()?;
        let mut messages: Vec<OutboxMessage> = state
            .outbox
            .values()
            .filter(|m| {
                filter
                    .due_at
                    .is_none_or(|t| m.status == DeliveryStatus::Pending && m.next_attempt_at <= t)
            })
            .filter(|m| filter.participant.is_none_or(|p| m.participant == p))
            .filter(|m| filter.election.is_none_or(|e| m.election == Some(e)))
            .cloned()
            .collect();
        messages.sort_by_key(|m| (m.created_at, m.id));
        if filter.limit > 0 {
            messages.truncate(filter.limit);
        }
        Ok(messages)
    }

    async fn record_delivery(&self, update: DeliveryUpdate) -> Result<(), StoreError> {
        let mut state = self.lock()?;
        let Some(m) = state.outbox.get_mut(&update.id) else {
            return Err(StoreError::Conflict {
                key: None,
                reason: format!("message {} does not exist", update.id),
            });
        };
        if m.attempts != update.expected_attempts {
            return Err(StoreError::Conflict {
                key: None,
                reason: format!("message {} was updated by someone else", update.id),
            });
        }
        m.attempts += 1;
        m.status = update.status;
        m.next_attempt_at = update.next_attempt_at;
        if update.error.is_some() {
            m.last_error = update.error;
        }
        Ok(())
    }

    async fn purge_audit(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut state = self.lock()?;
        let n = state.audit.len();
        state.audit.retain(|a| a.at >= before);
        Ok((n - state.audit.len()) as u64)
    }

    async fn purge_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut state = self.lock()?;
        let n = state.outbox.len();
        state
            .outbox
            .retain(|_, m| m.created_at >= before || m.status == DeliveryStatus::Pending);
        Ok((n - state.outbox.len()) as u64)
    }
}
