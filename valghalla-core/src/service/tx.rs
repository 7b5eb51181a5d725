//! One attempt of a command: loads records (remembering their versions), and turns the rule's
//! decision into a change set whose preconditions are exactly those versions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, mpsc};

use futures_util::FutureExt;

use crate::ids::{ElectionId, MessageId, SeatId};
use crate::messages::calendar::{MessageCalendar, TaskEvent, calendar_sequence};
use crate::model::{
    Election, Entity, Municipality, Op, Participant, Record, RecordKey, Seat, TaskType, Team,
    Versioned, WorkLocation,
};
use crate::rules::{Decision, MessageIntent};
use crate::store::{
    Change, ChangeSet, Decide, DeliveryStatus, Expect, OutboxMessage, Query, Read, StoreError,
};
use crate::time::local_date;

use super::facts;
use super::{Error, MAX_ATTEMPTS, Result, Valghalla, transact};

pub(crate) struct Tx<'a> {
    pub(crate) svc: &'a Valghalla,
    loaded: BTreeMap<RecordKey, Versioned<Record>>,
    /// Keys a prefetch found missing.
    absent: BTreeSet<RecordKey>,
    /// Queries answered by a prefetch, with the keys they selected.
    prefetched: Vec<(Query, Vec<RecordKey>)>,
    /// Whether query results are remembered (a command needs their versions; a read-only
    /// query does not, and copying thousands of seats would only cost time).
    track_queries: bool,
    /// Whether every read must be answered from what is loaded (see [`Tx::sealed`]).
    sealed: bool,
    /// Whether a sealed transaction was asked for something it had not loaded.
    missed: bool,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(svc: &'a Valghalla) -> Self {
        Tx {
            svc,
            loaded: BTreeMap::new(),
            absent: BTreeSet::new(),
            prefetched: Vec::new(),
            track_queries: true,
            sealed: false,
            missed: false,
        }
    }

    /// A transaction that holds the answers to `reads` and never asks the store: anything else
    /// it is asked for fails, and [`Tx::missed`] says so. Its futures never wait, so it can run
    /// inside [`crate::store::Store::read_and_apply`]'s synchronous `decide`.
    pub(crate) fn sealed(
        svc: &'a Valghalla,
        reads: &[Read],
        answers: Vec<Vec<Versioned<Record>>>,
    ) -> Self {
        let mut tx = Tx::new(svc);
        tx.absorb(reads, answers);
        tx.sealed = true;
        tx
    }

    /// Whether this sealed transaction needed a read it did not have: its result means nothing,
    /// and the command must run again with the store at hand.
    pub(crate) fn missed(&self) -> bool {
        self.missed
    }

    /// What a sealed transaction answers when asked for something it has not loaded.
    fn miss(&mut self) -> Error {
        self.missed = true;
        Error::from(StoreError::Unavailable {
            store: "sealed transaction",
            message: "a read that was not loaded up front".into(),
        })
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
        self.absorb(&wanted, answers);
        Ok(())
    }

    /// Remembers the answers to `reads`.
    fn absorb(&mut self, reads: &[Read], answers: Vec<Vec<Versioned<Record>>>) {
        for (read, records) in reads.iter().zip(answers) {
            for v in &records {
                self.remember(v);
            }
            match read {
                Read::Get(key) if records.is_empty() => {
                    self.absent.insert(*key);
                }
                Read::Get(_) => {}
                Read::Query(q) => self
                    .prefetched
                    .push((q.clone(), records.iter().map(|v| v.value.key()).collect())),
            }
        }
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

    /// The version `key` was loaded with (0 when it was not loaded).
    fn version_of(&self, key: RecordKey) -> u64 {
        self.loaded.get(&key).map_or(0, |v| v.version)
    }

    /// The entity with `id` if it is loaded.
    pub(crate) fn loaded<E: Entity>(&self, id: E::Id) -> Option<E> {
        self.loaded
            .get(&E::key_of(id))
            .and_then(|v| E::from_record(v.value.clone()))
    }

    /// The entity with `id`, or `None`.
    pub(crate) async fn find<E: Entity>(&mut self, id: E::Id) -> Result<Option<E>> {
        let key = E::key_of(id);
        if let Some(v) = self.loaded.get(&key) {
            return Ok(E::from_record(v.value.clone()));
        }
        if self.absent.contains(&key) {
            return Ok(None);
        }
        if self.sealed {
            return Err(self.miss());
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
        if self.sealed {
            return Err(self.miss());
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
        if self.absent.contains(&RecordKey::Municipality) {
            return Err(Error::NotConfigured);
        }
        if self.sealed {
            return Err(self.miss());
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
        if self.absent.contains(&RecordKey::Communication) {
            return Ok(Default::default());
        }
        if self.sealed {
            return Err(self.miss());
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

    /// The seat `id` with the records it refers to, if the seat exists.
    async fn seat_with_records(&mut self, id: SeatId) -> Result<Option<SeatWithRecords>> {
        match self.find::<Seat>(id).await? {
            Some(seat) => self.records_of(seat).await.map(Some),
            None => Ok(None),
        }
    }

    /// The records `seat` refers to.
    async fn records_of(&mut self, seat: Seat) -> Result<SeatWithRecords> {
        Ok(SeatWithRecords {
            election: self.get::<Election>(seat.slot.election).await?,
            location: self.get::<WorkLocation>(seat.slot.work_location).await?,
            task_type: self.get::<TaskType>(seat.slot.task_type).await?,
            team: self.get::<Team>(seat.slot.team).await?,
            seat,
        })
    }

    /// The template values for `intent` ([`facts::collect`]) and the election it concerns, from
    /// the records it is about.
    pub(super) async fn message_facts(
        &mut self,
        intent: &MessageIntent,
    ) -> Result<(BTreeMap<String, String>, Option<ElectionId>)> {
        let municipality = self.municipality().await?;
        let participant = self.find::<Participant>(intent.participant).await?;
        let records = match intent.seat {
            Some(id) => self.seat_with_records(id).await?,
            None => None,
        };
        let about = facts::About {
            municipality: municipality.name.as_str(),
            participant: participant.as_ref(),
            seat: records.as_ref().map(SeatWithRecords::borrowed),
        };
        let today = local_date(self.svc.clock.now());
        let facts = facts::collect(&self.svc.config.public_base_url, today, &about);
        Ok((facts, records.map(|r| r.election.id)))
    }

    /// The calendar entry `intent`'s message carries ([`facts::calendar_purpose`]), decided on
    /// its seat as loaded now: call it before the change is applied to what is loaded, so a
    /// cancellation sees who had accepted the seat.
    async fn message_calendar(
        &mut self,
        intent: &MessageIntent,
    ) -> Result<Option<MessageCalendar>> {
        let Some(purpose) = facts::calendar_purpose(intent.kind) else {
            return Ok(None);
        };
        let Some(seat) = intent.seat else {
            return Ok(None);
        };
        let Some(seat) = self.find::<Seat>(seat).await? else {
            return Ok(None);
        };
        if !facts::calendar_applies(purpose, &seat, intent.participant) {
            return Ok(None);
        }
        Ok(Some(MessageCalendar {
            event: self.task_event(seat).await?,
            purpose,
        }))
    }

    /// The task of `seat` as a calendar entry ([`facts::task_event`]), its `SEQUENCE` from the
    /// versions of the records it is made of as loaded.
    pub(super) async fn task_event(&mut self, seat: Seat) -> Result<TaskEvent> {
        let records = self.records_of(seat).await?;
        let sequence = calendar_sequence(&[
            self.version_of(RecordKey::Seat(records.seat.id)),
            self.version_of(RecordKey::TaskType(records.task_type.id)),
            self.version_of(RecordKey::WorkLocation(records.location.id)),
            self.version_of(RecordKey::Election(records.election.id)),
        ]);
        Ok(facts::task_event(
            &self.svc.config.public_base_url,
            &records.borrowed(),
            sequence,
            self.svc.clock.now(),
        ))
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
                (Op::Touch(_), None) if self.sealed => return Err(self.miss()),
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
        // Calendar entries are decided on the seat as it was (whose accepted task it was).
        let mut calendars = Vec::with_capacity(decision.messages.len());
        for intent in &decision.messages {
            calendars.push(self.message_calendar(intent).await?);
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
        for (intent, calendar) in decision.messages.into_iter().zip(calendars) {
            let (facts, election) = self.message_facts(&intent).await?;
            messages.push(OutboxMessage {
                id: MessageId::new(),
                kind: intent.kind,
                participant: intent.participant,
                election,
                seat: intent.seat,
                facts,
                custom: intent.custom,
                calendar,
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

/// A seat with the records it refers to, as a command loaded them.
struct SeatWithRecords {
    seat: Seat,
    election: Election,
    location: WorkLocation,
    task_type: TaskType,
    team: Team,
}

impl SeatWithRecords {
    fn borrowed(&self) -> facts::SeatRecords<'_> {
        facts::SeatRecords {
            seat: &self.seat,
            election: &self.election,
            location: &self.location,
            task_type: &self.task_type,
            team: &self.team,
        }
    }
}

impl Valghalla {
    /// Runs a command whose reads are all known up front: the store reads them, the command
    /// decides on the answers, and the store applies the change set, all in one
    /// [`Store::read_and_apply`](crate::store::Store::read_and_apply) (for SQLite: one round
    /// trip and one transaction instead of two of each).
    ///
    /// `prepare` remembers what the answers imply (e.g. that a query's answer is among them);
    /// `body` is the command's decision, written against a [`Tx`] like any other command. If
    /// `body` asks for something the reads did not load, the command runs again the ordinary
    /// way — a prefetch of `reads`, then [`transact!`](super::transact) — which is slower, never
    /// wrong.
    pub(crate) async fn read_decide_write<T, P, F>(
        &self,
        reads: Vec<Read>,
        prepare: P,
        body: F,
    ) -> Result<T>
    where
        T: Send + 'static,
        P: Fn(&mut Tx<'_>) + Send + Sync + 'static,
        F: AsyncFn(&mut Tx<'_>) -> Result<(Decision, T)> + Send + Sync + 'static,
    {
        let reads = Arc::new(reads);
        let steps = Arc::new((prepare, body));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (report, outcome) = mpsc::sync_channel(1);
            let decide: Decide = {
                let (svc, reads, steps) = (self.clone(), Arc::clone(&reads), Arc::clone(&steps));
                Box::new(move |answers| {
                    let mut tx = Tx::sealed(&svc, &reads, answers);
                    let (prepare, body) = &*steps;
                    let decided = async {
                        prepare(&mut tx);
                        let (decision, out) = body(&mut tx).await?;
                        Ok((tx.finish(decision).await?, out))
                    }
                    .now_or_never();
                    let (result, changes) = match decided {
                        // Nothing of a missed attempt counts; and a sealed `Tx` never waits.
                        _ if tx.missed() => return None,
                        None => return None,
                        Some(Err(e)) => (Err(e), None),
                        Some(Ok((changes, out))) => (Ok(out), Some(changes)),
                    };
                    let _ = report.send(result);
                    changes.filter(|c| !c.is_empty())
                })
            };
            match self.store.read_and_apply(&reads, decide).await {
                Ok(()) => match outcome.try_recv() {
                    Ok(result) => return result,
                    Err(_) => break,
                },
                Err(e) if e.is_conflict() && attempt < MAX_ATTEMPTS => {
                    tracing::debug!(attempt, "conflict; retrying");
                }
                Err(e) if e.is_conflict() => return Err(Error::busy()),
                Err(e) => return Err(e.into()),
            }
        }
        tracing::debug!("the command read more than it loaded up front; running it again");
        let (prepare, body) = &*steps;
        Ok(transact!(self, |tx| {
            tx.prefetch(&reads).await?;
            prepare(&mut tx);
            body(&mut tx).await?
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests")]

    use std::sync::Arc;

    use super::*;
    use crate::memory::MemoryStore;
    use crate::model::{Area, Municipality, RecordKind};
    use crate::rules::{Refused, Violation};
    use crate::testkit::scenario::Scenario;
    use crate::values::Name;

    fn area_op(area: &Area) -> Decision {
        Decision {
            ops: vec![Op::Put(Record::Area(area.clone()))],
            ..Decision::default()
        }
    }

    fn new_area() -> Area {
        Area {
            id: crate::ids::AreaId::new(),
            name: Name::parse("Vest").expect("name"),
            description: String::new(),
        }
    }

    /// A command that reads more than it loaded up front runs again the ordinary way, and its
    /// change set is written exactly once (the area is new: a second write would conflict).
    #[tokio::test]
    async fn a_read_that_was_not_loaded_up_front_runs_the_command_again_the_ordinary_way() {
        let s = Scenario::new(Arc::new(MemoryStore::new())).await;
        let area = new_area();
        let wanted = area.clone();
        let name = s
            .svc
            .read_decide_write(
                vec![Read::Query(Query::All(RecordKind::Team))],
                |_| {},
                async move |tx| {
                    let m: Municipality = tx.municipality().await?;
                    Ok((area_op(&wanted), m.name.to_string()))
                },
            )
            .await
            .expect("the command succeeds");
        assert_eq!(name, "Korsbæk Kommune");
        let stored = s.svc.store.get(RecordKey::Area(area.id)).await.unwrap();
        assert_eq!(stored.map(|v| v.version), Some(1));
    }

    /// What the command decides from the reads it loaded up front is its answer, refusals
    /// included. (That it takes one read and one write is `tests/round_trips.rs`.)
    #[tokio::test]
    async fn a_command_answered_from_its_reads_returns_its_result_or_its_refusal() {
        let s = Scenario::new(Arc::new(MemoryStore::new())).await;
        let teams = s
            .svc
            .read_decide_write(
                vec![Read::Query(Query::All(RecordKind::Team))],
                |_| {},
                async |tx| {
                    let teams = tx.all::<crate::model::Team>().await?;
                    Ok((Decision::default(), teams.len()))
                },
            )
            .await
            .expect("the command succeeds");
        assert_eq!(teams, s.teams.len());

        let err = s
            .svc
            .read_decide_write(
                vec![],
                |_| {},
                async |_| Err::<(Decision, ()), _>(Refused::one(Violation::NoVacantSeat).into()),
            )
            .await
            .expect_err("refused");
        assert!(err.is_refused(Violation::NoVacantSeat.code()), "{err}");
    }
}
