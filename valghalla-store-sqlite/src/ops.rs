//! The store's operations as plain synchronous functions on a connection. They run only on a
//! connection thread (see [`crate::actor`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params, params_from_iter};
use valghalla_core::model::{AuditEntry, Op, Record, RecordKey, RecordKind, Versioned};
use valghalla_core::store::{
    AuditFilter, Change, ChangeSet, Decide, DeliveryStatus, DeliveryUpdate, OutboxFilter,
    OutboxMessage, Query, Read, StoreError, duplicate_keys,
};

use crate::actor::Db;
use crate::cache::Decoded;
use crate::error::{STORE, corrupt_json, map_sqlite};
use crate::rows::{
    columns, decode, encode, key_id, nanos, slot_values, table, text, update_sql, upsert_sql,
};

type Result<T> = std::result::Result<T, StoreError>;

fn sql_err(e: rusqlite::Error) -> StoreError {
    map_sqlite(e, None)
}

fn version_from(v: i64, kind: RecordKind) -> Result<u64> {
    u64::try_from(v).map_err(|_| StoreError::Corrupt {
        store: STORE,
        message: format!("a {} row has a negative version", kind.name()),
    })
}

/// Decodes a `(id, doc, version)` row of `kind`, or takes it from what the connection decoded
/// before (see [`Decoded`]).
fn versioned(kind: RecordKind, row: &Row<'_>, decoded: &mut Decoded) -> Result<Versioned<Record>> {
    let version = version_from(row.get(2).map_err(sql_err)?, kind)?;
    let doc = row
        .get_ref(1)
        .and_then(|v| Ok(v.as_str()?))
        .map_err(sql_err)?;
    let number;
    let id = match row.get_ref(0).map_err(sql_err)? {
        ValueRef::Text(t) => std::str::from_utf8(t).unwrap_or("?"),
        ValueRef::Integer(i) => {
            number = i.to_string();
            &number
        }
        _ => "?",
    };
    let value = decoded.record(kind, id, doc, |doc| decode(kind, &|| id.to_owned(), doc))?;
    Ok(Versioned { value, version })
}

fn select(
    conn: &Connection,
    decoded: &mut Decoded,
    kind: RecordKind,
    filter: &str,
    params: Vec<Value>,
) -> Result<Vec<Versioned<Record>>> {
    let sql = format!("SELECT id, doc, version FROM {} {filter}", table(kind));
    let mut stmt = conn.prepare_cached(&sql).map_err(sql_err)?;
    let mut rows = stmt.query(params_from_iter(params)).map_err(sql_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sql_err)? {
        out.push(versioned(kind, row, decoded)?);
    }
    Ok(out)
}

/// One record.
pub(crate) fn get(db: &mut Db, key: RecordKey) -> Result<Option<Versioned<Record>>> {
    get_in(&db.conn, &mut db.decoded, key)
}

fn get_in(
    conn: &Connection,
    decoded: &mut Decoded,
    key: RecordKey,
) -> Result<Option<Versioned<Record>>> {
    let mut found = select(
        conn,
        decoded,
        key.kind(),
        "WHERE id = ?1",
        vec![key_id(&key)],
    )?;
    Ok(found.pop())
}

/// The records a query selects.
pub(crate) fn query(db: &mut Db, query: &Query) -> Result<Vec<Versioned<Record>>> {
    query_in(&db.conn, &mut db.decoded, query)
}

fn query_in(
    conn: &Connection,
    decoded: &mut Decoded,
    query: &Query,
) -> Result<Vec<Versioned<Record>>> {
    const SLOT: &str = "WHERE election_id = ?1 AND work_location_id = ?2 AND task_type_id = ?3 \
                        AND team_id = ?4 AND date = ?5";
    if let Query::SeatContext(seat) = query {
        return seat_context(conn, decoded, &text(seat));
    }
    let (kind, filter, params): (RecordKind, &str, Vec<Value>) = match query {
        Query::All(kind) => (*kind, "", vec![]),
        Query::SeatsOfElection(e) => (RecordKind::Seat, "WHERE election_id = ?1", vec![text(e)]),
        Query::SeatsAtLocation {
            election,
            work_location,
        } => (
            RecordKind::Seat,
            "WHERE election_id = ?1 AND work_location_id = ?2",
            vec![text(election), text(work_location)],
        ),
        Query::SeatsOfSlot(slot) => (RecordKind::Seat, SLOT, slot_values(slot).into()),
        Query::SeatsOfParticipant(p) => {
            (RecordKind::Seat, "WHERE participant_id = ?1", vec![text(p)])
        }
        Query::ParticipantByCpr(cpr) => (
            RecordKind::Participant,
            "WHERE cpr = ?1",
            vec![Value::Text(cpr.reveal())],
        ),
        Query::MembersOfTeam(team) => (
            RecordKind::Participant,
            "WHERE id IN (SELECT participant_id FROM participant_team WHERE team_id = ?1)",
            vec![text(team)],
        ),
        Query::LinkByToken(token) => (
            RecordKind::Link,
            "WHERE token = ?1",
            vec![text(token.as_str())],
        ),
        Query::RejectionsOfElection(e) => (
            RecordKind::Rejection,
            "WHERE election_id = ?1",
            vec![text(e)],
        ),
        Query::RejectionsOfParticipant(p) => (
            RecordKind::Rejection,
            "WHERE participant_id = ?1",
            vec![text(p)],
        ),
        Query::ThreadsOfParticipant(p) => (
            RecordKind::Thread,
            "WHERE participant_id = ?1",
            vec![text(p)],
        ),
        Query::NotesOfParticipant(p) => {
            (RecordKind::Note, "WHERE participant_id = ?1", vec![text(p)])
        }
        Query::SeatContext(_) => return Ok(Vec::new()), // answered above
    };
    select(conn, decoded, kind, filter, params)
}

/// [`Query::SeatContext`]: the seat's election, work location, team and holder, and the
/// holder's seats.
fn seat_context(
    conn: &Connection,
    decoded: &mut Decoded,
    seat: &Value,
) -> Result<Vec<Versioned<Record>>> {
    let parts: [(RecordKind, &str); 5] = [
        (
            RecordKind::Election,
            "WHERE id = (SELECT election_id FROM seat WHERE id = ?1)",
        ),
        (
            RecordKind::WorkLocation,
            "WHERE id = (SELECT work_location_id FROM seat WHERE id = ?1)",
        ),
        (
            RecordKind::Team,
            "WHERE id = (SELECT team_id FROM seat WHERE id = ?1)",
        ),
        (
            RecordKind::Participant,
            "WHERE id = (SELECT participant_id FROM seat WHERE id = ?1)",
        ),
        (
            RecordKind::Seat,
            "WHERE participant_id = (SELECT participant_id FROM seat WHERE id = ?1)",
        ),
    ];
    let mut out = Vec::new();
    for (kind, filter) in parts {
        out.extend(select(conn, decoded, kind, filter, vec![seat.clone()])?);
    }
    Ok(out)
}

/// Several reads in one read transaction: one snapshot, one lock.
pub(crate) fn read_many(db: &mut Db, reads: &[Read]) -> Result<Vec<Vec<Versioned<Record>>>> {
    let tx = db.conn.transaction().map_err(sql_err)?;
    let found = read_all(&tx, &mut db.decoded, reads)?;
    tx.commit().map_err(sql_err)?;
    Ok(found)
}

fn read_all(
    conn: &Connection,
    decoded: &mut Decoded,
    reads: &[Read],
) -> Result<Vec<Vec<Versioned<Record>>>> {
    reads
        .iter()
        .map(|read| match read {
            Read::Get(key) => Ok(get_in(conn, decoded, *key)?.into_iter().collect()),
            Read::Query(q) => query_in(conn, decoded, q),
        })
        .collect()
}

/// [`Store::read_and_apply`](valghalla_core::store::Store::read_and_apply) in one
/// `BEGIN IMMEDIATE` transaction: nothing can be written between the reads and the change set
/// `decide` makes of them, so the versions just read are the current ones and their
/// preconditions need no second look.
pub(crate) fn read_and_apply(db: &mut Db, reads: &[Read], decide: Decide) -> Result<()> {
    let tx = db
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err)?;
    let answers = read_all(&tx, &mut db.decoded, reads)?;
    let mut known = Known::new();
    for (read, found) in reads.iter().zip(&answers) {
        if let (Read::Get(key), None) = (read, found.first()) {
            known.insert(*key, None);
        }
        for v in found {
            known.insert(v.value.key(), Some(v.version));
        }
    }
    // Dropping the transaction rolls it back; it wrote nothing.
    let Some(changes) = decide(answers) else {
        return Ok(());
    };
    write(&tx, &changes, &known)?;
    tx.commit().map_err(sql_err)
}

/// Current versions known without asking (`None`: the record does not exist), read earlier in
/// the same write transaction.
type Known = BTreeMap<RecordKey, Option<u64>>;

fn current_version(conn: &Connection, key: &RecordKey) -> Result<Option<u64>> {
    let sql = format!("SELECT version FROM {} WHERE id = ?1", table(key.kind()));
    let mut stmt = conn.prepare_cached(&sql).map_err(sql_err)?;
    let v: Option<i64> = stmt
        .query_row([key_id(key)], |r| r.get(0))
        .optional()
        .map_err(sql_err)?;
    v.map(|v| version_from(v, key.kind())).transpose()
}

fn status_name(status: &DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Sent { .. } => "sent",
        DeliveryStatus::Failed { .. } => "failed",
        DeliveryStatus::Cancelled { .. } => "cancelled",
    }
}

fn json<T: serde::Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend {
        store: STORE,
        message: format!(
            "{what} could not be encoded as JSON ({:?} error)",
            e.classify()
        ),
    })
}

/// Applies a change set in one `BEGIN IMMEDIATE` transaction; on any error it rolls back, so
/// nothing of the change set is written.
pub(crate) fn apply(db: &mut Db, changes: ChangeSet) -> Result<()> {
    let tx = db
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err)?;
    write(&tx, &changes, &Known::new())?;
    tx.commit().map_err(sql_err)
}

/// The writes of a change set, inside the caller's transaction; on an error the caller rolls
/// back. `known` holds current versions read earlier in the same write transaction.
///
/// Order: every precondition is checked first (in the change set's order, as the memory store
/// does), then deletes, then unique values that change are released, then
/// puts (parents first) and touches, audit entries and messages. The order of the ops in a
/// change set does not matter: puts are written parents first, so every reference a row makes
/// exists when the row is written; a change set that deletes defers foreign keys to `COMMIT`.
///
/// Why not always defer: `PRAGMA defer_foreign_keys` expires every prepared statement of the
/// connection (SQLite recompiles statements after a flag pragma), and it resets at each
/// `COMMIT`, so setting it in every transaction re-prepared every statement of every command.
fn write(tx: &Connection, changes: &ChangeSet, known: &Known) -> Result<()> {
    if let Some(key) = duplicate_keys(changes).first() {
        return Err(StoreError::Backend {
            store: STORE,
            message: format!("change set writes {key:?} twice"),
        });
    }
    if changes
        .changes
        .iter()
        .any(|c| matches!(c.op, Op::Delete(_)))
    {
        tx.pragma_update(None, "defer_foreign_keys", true)
            .map_err(sql_err)?;
    }

    // 1. Preconditions.
    let mut exists = Vec::with_capacity(changes.changes.len());
    for change in &changes.changes {
        let key = change.op.key();
        let current = match known.get(&key) {
            Some(v) => *v,
            None => current_version(tx, &key)?,
        };
        if !change.precondition_holds(current) {
            return Err(StoreError::conflict(
                key,
                format!("expected {:?}, found version {current:?}", change.expect),
            ));
        }
        exists.push(current.is_some());
    }

    // 2. Deletes (participant_team rows go with their participant: ON DELETE CASCADE).
    for change in &changes.changes {
        if let Op::Delete(key) = &change.op {
            let sql = format!("DELETE FROM {} WHERE id = ?1", table(key.kind()));
            tx.prepare_cached(&sql)
                .and_then(|mut s| s.execute([key_id(key)]))
                .map_err(|e| map_sqlite(e, Some(*key)))?;
        }
    }

    // 3. Release CPR numbers and link tokens that existing records give up, so that two
    //    records in one change set may swap them (UNIQUE is checked per statement in SQLite).
    for (change, existed) in changes.changes.iter().zip(&exists) {
        let (sql, id, value) = match (&change.op, existed) {
            (Op::Put(Record::Participant(p)), true) => (
                "UPDATE participant SET cpr = '#' || id WHERE id = ?1 AND cpr <> ?2",
                p.id.to_string(),
                p.cpr.reveal(),
            ),
            (Op::Put(Record::Link(l)), true) => (
                "UPDATE link SET token = '#' || id WHERE id = ?1 AND token <> ?2",
                l.id.to_string(),
                l.token.as_str().to_owned(),
            ),
            _ => continue,
        };
        tx.prepare_cached(sql)
            .and_then(|mut s| s.execute(params![id, value]))
            .map_err(|e| map_sqlite(e, Some(change.op.key())))?;
    }

    // 4. Puts (parents first) and touches.
    let mut writes: Vec<(&Change, bool)> = changes.changes.iter().zip(exists).collect();
    writes.sort_by_key(|(c, _)| parents_first(c.op.key().kind()));
    for (change, existed) in writes {
        let key = change.op.key();
        match &change.op {
            Op::Put(record) => put(tx, record, existed).map_err(|e| match e {
                Write::Sql(e) => map_sqlite(e, Some(key)),
                Write::Store(e) => e,
            })?,
            Op::Touch(key) => {
                let sql = format!(
                    "UPDATE {} SET version = version + 1 WHERE id = ?1",
                    table(key.kind())
                );
                tx.prepare_cached(&sql)
                    .and_then(|mut s| s.execute([key_id(key)]))
                    .map_err(|e| map_sqlite(e, Some(*key)))?;
            }
            Op::Delete(_) => {}
        }
    }

    // 5. Audit entries and outgoing messages.
    for entry in &changes.audit {
        let doc = json(entry, "an audit entry")?;
        tx.prepare_cached(
            "INSERT INTO audit (id, at, participant_id, election_id, doc) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut s| {
            s.execute(params![
                entry.id.to_string(),
                nanos(entry.at),
                entry.participant.map(|p| p.to_string()),
                entry.election.map(|e| e.to_string()),
                doc
            ])
        })
        .map_err(sql_err)?;
    }
    for m in &changes.messages {
        insert_message(tx, m)?;
    }
    Ok(())
}

/// Where a kind's rows come in the order of writes: after every kind they refer to (see the
/// foreign keys in the migrations).
fn parents_first(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Municipality
        | RecordKind::Area
        | RecordKind::TaskType
        | RecordKind::Team
        | RecordKind::SpecialDiet
        | RecordKind::ElectionType
        | RecordKind::Communication => 0,
        RecordKind::WorkLocation | RecordKind::Election | RecordKind::Participant => 1,
        RecordKind::Seat
        | RecordKind::Rejection
        | RecordKind::Link
        | RecordKind::Thread
        | RecordKind::Note => 2,
        // No foreign keys (see migration 0007); after the seats they name all the same.
        RecordKind::Attendance | RecordKind::Reserve | RecordKind::SeatOffer => 3,
    }
}

enum Write {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for Write {
    fn from(e: rusqlite::Error) -> Self {
        Write::Sql(e)
    }
}

/// Writes a record; `existed` says whether its row was there when the change set began.
fn put(conn: &Connection, record: &Record, existed: bool) -> std::result::Result<(), Write> {
    let key = record.key();
    let kind = key.kind();
    let (names, cols): (Vec<&str>, Vec<Value>) = columns(record).into_iter().unzip();
    let doc = encode(record).map_err(Write::Store)?;
    let mut values = Vec::with_capacity(cols.len() + 2);
    values.push(key_id(&key));
    values.extend(cols);
    values.push(Value::Text(doc));
    let updated = existed
        && conn
            .prepare_cached(&update_sql(kind, &names))?
            .execute(params_from_iter(&values))?
            == 1;
    if !updated {
        conn.prepare_cached(&upsert_sql(kind, &names))?
            .execute(params_from_iter(values))?;
    }
    if let Record::Participant(p) = record {
        let id = p.id.to_string();
        conn.prepare_cached("DELETE FROM participant_team WHERE participant_id = ?1")?
            .execute([&id])?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO participant_team (team_id, participant_id) VALUES (?1, ?2)",
        )?;
        for team in &p.teams {
            insert.execute(params![team.to_string(), id])?;
        }
    }
    Ok(())
}

fn insert_message(conn: &Connection, m: &OutboxMessage) -> Result<()> {
    let doc = json(m, "an outbox message")?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO outbox \
         (id, created_at, participant_id, election_id, status, attempts, next_attempt_at, doc) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            m.id.to_string(),
            nanos(m.created_at),
            m.participant.to_string(),
            m.election.map(|e| e.to_string()),
            status_name(&m.status),
            i64::from(m.attempts),
            nanos(m.next_attempt_at),
            doc
        ])
    })
    .map_err(sql_err)?;
    Ok(())
}

fn limit(n: usize) -> i64 {
    if n == 0 {
        -1
    } else {
        i64::try_from(n).unwrap_or(i64::MAX)
    }
}

/// Reads `(id, doc)` rows of the audit or outbox table.
fn docs<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    table: &str,
    sql: &str,
    params: Vec<Value>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(sql_err)?;
    let mut rows = stmt.query(params_from_iter(params)).map_err(sql_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sql_err)? {
        let doc = row
            .get_ref(1)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(sql_err)?;
        let value = serde_json::from_str(doc).map_err(|e| {
            let id: String = row.get::<_, Value>(0).map_or_else(
                |_| "?".into(),
                |v| match v {
                    Value::Text(s) => s,
                    Value::Integer(i) => i.to_string(),
                    _ => "?".into(),
                },
            );
            corrupt_json(table, &id, &e)
        })?;
        out.push(value);
    }
    Ok(out)
}

/// Audit entries, newest first (ties: the later written first, as the memory store).
pub(crate) fn audit_log(conn: &Connection, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
    let mut conds = Vec::new();
    let mut params = Vec::new();
    if let Some(p) = filter.participant {
        params.push(text(p));
        conds.push(format!("participant_id = ?{}", params.len()));
    }
    if let Some(e) = filter.election {
        params.push(text(e));
        conds.push(format!("election_id = ?{}", params.len()));
    }
    params.push(Value::Integer(limit(filter.limit)));
    let sql = format!(
        "SELECT seq, doc FROM audit {} ORDER BY at DESC, seq DESC LIMIT ?{}",
        where_clause(&conds),
        params.len()
    );
    docs(conn, "audit", &sql, params)
}

fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    }
}

/// Outbox messages, oldest first.
pub(crate) fn outbox(conn: &Connection, filter: &OutboxFilter) -> Result<Vec<OutboxMessage>> {
    let mut conds = Vec::new();
    let mut params = Vec::new();
    if let Some(t) = filter.due_at {
        params.push(Value::Integer(nanos(t)));
        conds.push(format!(
            "status = 'pending' AND next_attempt_at <= ?{}",
            params.len()
        ));
    }
    if let Some(p) = filter.participant {
        params.push(text(p));
        conds.push(format!("participant_id = ?{}", params.len()));
    }
    if let Some(e) = filter.election {
        params.push(text(e));
        conds.push(format!("election_id = ?{}", params.len()));
    }
    params.push(Value::Integer(limit(filter.limit)));
    let sql = format!(
        "SELECT id, doc FROM outbox {} ORDER BY created_at, id LIMIT ?{}",
        where_clause(&conds),
        params.len()
    );
    docs(conn, "outbox", &sql, params)
}

/// Records a delivery attempt, optimistic on the attempt count.
pub(crate) fn record_delivery(conn: &mut Connection, update: DeliveryUpdate) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err)?;
    let id = update.id.to_string();
    let found: Vec<OutboxMessage> = docs(
        &tx,
        "outbox",
        "SELECT id, doc FROM outbox WHERE id = ?1",
        vec![Value::Text(id.clone())],
    )?;
    let Some(mut m) = found.into_iter().next() else {
        return Err(StoreError::Conflict {
            key: None,
            reason: format!("message {id} does not exist"),
        });
    };
    if m.attempts != update.expected_attempts {
        return Err(StoreError::Conflict {
            key: None,
            reason: format!("message {id} was updated by someone else"),
        });
    }
    m.attempts = m
        .attempts
        .checked_add(1)
        .ok_or_else(|| StoreError::Backend {
            store: STORE,
            message: format!("message {id} has too many attempts"),
        })?;
    m.status = update.status;
    m.next_attempt_at = update.next_attempt_at;
    if update.error.is_some() {
        m.last_error = update.error;
    }
    let doc = json(&m, "an outbox message")?;
    tx.prepare_cached(
        "UPDATE outbox SET status = ?2, attempts = ?3, next_attempt_at = ?4, doc = ?5 \
         WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![
            id,
            status_name(&m.status),
            i64::from(m.attempts),
            nanos(m.next_attempt_at),
            doc
        ])
    })
    .map_err(sql_err)?;
    tx.commit().map_err(sql_err)
}

/// Deletes audit entries older than `before`.
pub(crate) fn purge_audit(conn: &Connection, before: DateTime<Utc>) -> Result<u64> {
    let n = conn
        .execute("DELETE FROM audit WHERE at < ?1", [nanos(before)])
        .map_err(sql_err)?;
    Ok(n as u64)
}

/// Deletes delivered or failed messages created before `before`.
pub(crate) fn purge_outbox(conn: &Connection, before: DateTime<Utc>) -> Result<u64> {
    let n = conn
        .execute(
            "DELETE FROM outbox WHERE created_at < ?1 AND status <> 'pending'",
            [nanos(before)],
        )
        .map_err(sql_err)?;
    Ok(n as u64)
}
