//! One attempt of a command: loads records (remembering their versions), and turns the rule's
//! decision into a change set whose preconditions are exactly those versions.

use std::collections::BTreeMap;

use crate::ids::MessageId;
use crate::model::{Entity, Municipality, Op, Record, RecordKey, Versioned};
use crate::rules::Decision;
use crate::store::{Change, ChangeSet, DeliveryStatus, Expect, OutboxMessage, Query, Read};

use super::{Error, Result, Valghalla};

pub(crate) struct Tx<'a> {
    pub(crate) svc: &'a Valghalla,
    loaded: BTreeMap<RecordKey, Versioned<Record>>,
    /// Queries answered by a prefetch, with the keys they selected.
    prefetched: Vec<(Query, Vec<RecordKey>)>,
    /// Whether query results are remembered (a command needs their versions; a read-only
    /// query does not, and copying thousands of seats would only cost time).
    track_queries: bool,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(svc: &'a Valghalla) -> Self {
        Tx {
            svc,
            loaded: BTreeMap::new(),
            prefetched: Vec::new(),
            track_queries: true,
        }
    }

    /// A reader for queries that write nothing.
    pub(crate) fn reader(svc: &'a Valghalla) -> Self {
        Tx {
            track_queries: false,
            ..Tx::new(svc)
        }
    }

    fn remember(&mut self, v: &Versioned<Record>) {
        self.loaded.insert(v.value.key(), v.clone());
    }

    /// Loads several records and query results in one round trip, so later `get`s and
    /// `query`s are answered from memory.
    pub(crate) async fn prefetch(&mut self, reads: &[Read]) -> Result<()> {
        let wanted: Vec<Read> = reads
            .iter()
            .filter(|r| !matches!(r, Read::Get(k) if self.loaded.contains_key(k)))
            .cloned()
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let answers = self.svc.store.read_many(&wanted).await?;
        for (read, records) in wanted.into_iter().zip(answers) {
            for v in &records {
                self.remember(v);
            }
            if let Read::Query(q) = read {
                self.prefetched
                    .push((q, records.iter().map(|v| v.value.key()).collect()));
            }
        }
        Ok(())
    }

    /// Records that the loaded records `selects` picks out are the whole answer to `query` (a
    /// prefetch that loaded them through a wider query knows this), so the query is answered
    /// from memory.
    pub(crate) fn answered_from_loaded(&mut self, query: Query, selects: impl Fn(&Record) -> bool) {
        let keys = self
            .loaded
            .values()
            .filter(|v| selects(&v.value))
            .map(|v| v.value.key())
            .collect();
        self.prefetched.push((query, keys));
    }

    /// The entity with `id`, or `None`.
    pub(crate) async fn find<E: Entity>(&mut self, id: E::Id) -> Result<Option<E>> {
        let key = E::key_of(id);
        if let Some(v) = self.loaded.get(&key) {
            return Ok(E::from_record(v.value.clone()));
        }
        match self.svc.store.get(key).await? {
            Some(v) => {
                self.remember(&v);
                Ok(E::from_record(v.value))
            }
            None => Ok(None),
        }
    }

    /// The entity with `id`, or [`Error::NotFound`].
    pub(crate) async fn get<E: Entity>(&mut self, id: E::Id) -> Result<E> {
        self.find::<E>(id)
            .await?
            .ok_or_else(|| Error::not_found(E::key_of(id)))
    }

    /// The entities a query selects.
    pub(crate) async fn query<E: Entity>(&mut self, query: &Query) -> Result<Vec<E>> {
        if let Some((_, keys)) = self.prefetched.iter().find(|(q, _)| q == query) {
            return Ok(keys
                .iter()
                .filter_map(|k| self.loaded.get(k))
                .filter_map(|v| E::from_record(v.value.clone()))
                .collect());
        }
        let found = self.svc.store.query(query).await?;
        let mut out = Vec::with_capacity(found.len());
        for v in found {
            if self.track_queries {
                self.remember(&v);
            }
            if let Some(e) = E::from_record(v.value) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Every entity of a kind.
    pub(crate) async fn all<E: Entity>(&mut self) -> Result<Vec<E>> {
        self.query(&Query::All(E::KIND)).await
    }

    /// The municipality, which must be set up.
    pub(crate) async fn municipality(&mut self) -> Result<Municipality> {
        if let Some(v) = self.loaded.get(&RecordKey::Municipality)
            && let Record::Municipality(m) = &v.value
        {
            return Ok(m.clone());
        }
        match self.svc.store.get(RecordKey::Municipality).await? {
            Some(v) => {
                self.remember(&v);
                match v.value {
                    Record::Municipality(m) => Ok(m),
                    _ => Err(Error::NotConfigured),
                }
            }
            None => Err(Error::NotConfigured),
        }
    }

    /// The communication settings (templates and election choices); empty if never saved.
    pub(crate) async fn communication(&mut self) -> Result<crate::messages::CommunicationSettings> {
        if let Some(v) = self.loaded.get(&RecordKey::Communication)
            && let Record::Communication(c) = &v.value
        {
            return Ok(c.clone());
        }
        match self.svc.store.get(RecordKey::Communication).await? {
            Some(v) => {
                self.remember(&v);
                match v.value {
                    Record::Communication(c) => Ok(c),
                    _ => Ok(Default::default()),
                }
            }
            None => Ok(Default::default()),
        }
    }

    /// Turns a decision into a change set: each write expects the version it was loaded with
    /// (or absence, for new records), and each message intent becomes an outbox message with
    /// its template values snapshotted now.
    pub(crate) async fn finish(&mut self, decision: Decision) -> Result<ChangeSet> {
        let mut changes = Vec::with_capacity(decision.ops.len());
        for op in decision.ops {
            let key = op.key();
            let loaded = self.loaded.get(&key).map(|v| v.version);
            let expect = match (&op, loaded) {
                (_, Some(v)) => Expect::Version(v),
                (Op::Put(_), None) => Expect::Absent,
                (Op::Delete(_), None) => Expect::Any,
                (Op::Touch(_), None) => {
                    // A touch needs the version it guards; load it now.
                    match self.svc.store.get(key).await? {
                        Some(v) => Expect::Version(v.version),
                        None => return Err(Error::not_found(key)),
                    }
                }
            };
            changes.push(Change { op, expect });
        }
        // Message facts describe the state after the change (e.g. the new invitation code).
        for change in &changes {
            if let Op::Put(record) = &change.op {
                let version = self.loaded.get(&record.key()).map_or(0, |v| v.version);
                self.loaded.insert(
                    record.key(),
                    Versioned {
                        value: record.clone(),
                        version,
                    },
                );
            }
        }
        let now = self.svc.clock.now();
        let mut messages = Vec::with_capacity(decision.messages.len());
        for intent in decision.messages {
            let (facts, election) = super::facts::collect(self, &intent).await?;
            messages.push(OutboxMessage {
                id: MessageId::new(),
                kind: intent.kind,
                participant: intent.participant,
                election,
                seat: intent.seat,
                facts,
                custom: None,
                created_at: now,
                status: DeliveryStatus::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_error: None,
            });
        }
        Ok(ChangeSet {
            changes,
            audit: decision.audit,
            messages,
        })
    }
}
