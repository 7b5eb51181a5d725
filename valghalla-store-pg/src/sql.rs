//! Every statement the store runs. Table names come from a fixed list and every value is a bound
//! parameter, so no value ever reaches the SQL text. `$1` is always the tenant.
//!
//! The statements on records are fragments that [`crate::batch`] assembles into one statement
//! per batch of reads or per change set, numbering their parameters as it goes: each fragment
//! has `{}` where its parameters' placeholders go, in order. The other statements are static.

use uuid::Uuid;
use valghalla_core::model::RecordKind;
use valghalla_core::store::{Expect, Query, Read, StoreError};

use crate::rows::{key_uuid, to_json};

/// A value bound to a parameter.
pub(crate) enum Arg {
    Text(String),
    Uuid(Uuid),
    OptUuid(Option<Uuid>),
    Int(i64),
}

/// The table that holds a kind.
pub(crate) fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Municipality => "valghalla.municipality",
        RecordKind::Area => "valghalla.area",
        RecordKind::WorkLocation => "valghalla.work_location",
        RecordKind::TaskType => "valghalla.task_type",
        RecordKind::Team => "valghalla.team",
        RecordKind::SpecialDiet => "valghalla.special_diet",
        RecordKind::ElectionType => "valghalla.election_type",
        RecordKind::Election => "valghalla.election",
        RecordKind::Seat => "valghalla.seat",
        RecordKind::Participant => "valghalla.participant",
        RecordKind::Rejection => "valghalla.rejection",
        RecordKind::Link => "valghalla.link",
        RecordKind::Communication => "valghalla.communication",
        RecordKind::Thread => "valghalla.thread",
        RecordKind::Attendance => "valghalla.attendance",
        RecordKind::Reserve => "valghalla.reserve",
        RecordKind::SeatOffer => "valghalla.seat_offer",
        RecordKind::Note => "valghalla.note",
    }
}

/// A condition of a read: SQL with `{}` for its one parameter, and the parameter.
pub(crate) type Condition = (&'static str, Arg);

/// [`Query::SeatContext`]: each kind with its condition on the seat (`{}` its id).
const SEAT_CONTEXT: [(RecordKind, &str); 5] = [
    (
        RecordKind::Election,
        "id = (SELECT election_id FROM valghalla.seat WHERE tenant = $1 AND id = {})",
    ),
    (
        RecordKind::WorkLocation,
        "id = (SELECT work_location_id FROM valghalla.seat WHERE tenant = $1 AND id = {})",
    ),
    (
        RecordKind::Team,
        "id = (SELECT team_id FROM valghalla.seat WHERE tenant = $1 AND id = {})",
    ),
    (
        RecordKind::Participant,
        "id = (SELECT participant_id FROM valghalla.seat WHERE tenant = $1 AND id = {})",
    ),
    (
        RecordKind::Seat,
        "participant_id = (SELECT participant_id FROM valghalla.seat WHERE tenant = $1 AND id = {})",
    ),
];

/// What a read selects: one or more `SELECT`s, each with the kind of its rows and its conditions
/// besides the tenant. Every read is answered from an index (see the migrations).
pub(crate) fn select(read: &Read) -> Result<Vec<(RecordKind, Vec<Condition>)>, StoreError> {
    let uuid = |id: Uuid| Arg::Uuid(id);
    if let Read::Query(Query::SeatContext(seat)) = read {
        return Ok(SEAT_CONTEXT
            .iter()
            .map(|&(kind, condition)| (kind, vec![(condition, uuid(seat.as_uuid()))]))
            .collect());
    }
    Ok(vec![match read {
        Read::Get(key) => (key.kind(), vec![("id = {}", uuid(key_uuid(key)))]),
        Read::Query(query) => match query {
            Query::All(kind) => (*kind, vec![]),
            Query::SeatsOfElection(e) => (
                RecordKind::Seat,
                vec![("election_id = {}", uuid(e.as_uuid()))],
            ),
            Query::SeatsAtLocation {
                election,
                work_location,
            } => (
                RecordKind::Seat,
                vec![
                    ("election_id = {}", uuid(election.as_uuid())),
                    ("work_location_id = {}", uuid(work_location.as_uuid())),
                ],
            ),
            Query::SeatsOfSlot(slot) => (
                RecordKind::Seat,
                vec![
                    ("election_id = {}", uuid(slot.election.as_uuid())),
                    ("work_location_id = {}", uuid(slot.work_location.as_uuid())),
                    (
                        "doc -> 'slot' = {}::jsonb",
                        Arg::Text(to_json("a slot", slot)?),
                    ),
                ],
            ),
            Query::SeatsOfParticipant(p) => (
                RecordKind::Seat,
                vec![("participant_id = {}", uuid(p.as_uuid()))],
            ),
            Query::ParticipantByCpr(cpr) => (
                RecordKind::Participant,
                vec![("cpr = {}", Arg::Text(cpr.reveal()))],
            ),
            Query::MembersOfTeam(team) => (
                RecordKind::Participant,
                vec![("doc -> 'teams' ? {}", Arg::Text(team.to_string()))],
            ),
            Query::LinkByToken(token) => (
                RecordKind::Link,
                vec![("token = {}", Arg::Text(token.as_str().to_owned()))],
            ),
            Query::RejectionsOfElection(e) => (
                RecordKind::Rejection,
                vec![("election_id = {}", uuid(e.as_uuid()))],
            ),
            Query::RejectionsOfParticipant(p) => (
                RecordKind::Rejection,
                vec![("participant_id = {}", uuid(p.as_uuid()))],
            ),
            Query::ThreadsOfParticipant(p) => (
                RecordKind::Thread,
                vec![("participant_id = {}", uuid(p.as_uuid()))],
            ),
            Query::NotesOfParticipant(p) => (
                RecordKind::Note,
                vec![("participant_id = {}", uuid(p.as_uuid()))],
            ),
            Query::SeatContext(_) => return Ok(Vec::new()), // answered above
        },
    }])
}

/// The rows of one read on a table (`{t}`), tagged with the read's position: `(i, version, doc)`.
/// The read's conditions follow, each after ` AND `.
pub(crate) const SELECT: &str =
    "SELECT {i}::int4 AS i, version, doc::text FROM {t} WHERE tenant = $1";

/// A write of one record, as the body of a data-modifying CTE that returns one row per row it
/// wrote (or, for [`Write::Exists`], found). Which write a change needs follows from its op and
/// precondition; the row count it must return is [`Write::expected_rows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Insert at version 1 unless the id exists. Parameters: id, doc.
    Insert,
    /// Insert at version 1 or replace with version + 1. Parameters: id, doc.
    Upsert,
    /// Replace if at the version. Parameters: doc, id, version.
    Update,
    /// Delete whatever is there. Parameters: id.
    Delete,
    /// Delete if at the version. Parameters: id, version.
    DeleteVersion,
    /// Bump the version. Parameters: id.
    Touch,
    /// Bump the version if at the version. Parameters: id, version.
    TouchVersion,
    /// Only look whether the id exists. Parameters: id.
    Exists,
}

impl Write {
    /// The write a change needs.
    pub(crate) fn of(op: &valghalla_core::model::Op, expect: Expect) -> Write {
        use valghalla_core::model::Op;
        match (op, expect) {
            (Op::Put(_), Expect::Absent) => Write::Insert,
            (Op::Put(_), Expect::Any) => Write::Upsert,
            (Op::Put(_), Expect::Version(_)) => Write::Update,
            (Op::Delete(_), Expect::Any) => Write::Delete,
            (Op::Delete(_), Expect::Version(_)) => Write::DeleteVersion,
            (Op::Delete(_) | Op::Touch(_), Expect::Absent) => Write::Exists,
            (Op::Touch(_), Expect::Any) => Write::Touch,
            (Op::Touch(_), Expect::Version(_)) => Write::TouchVersion,
        }
    }

    /// The statement on a table (`{t}`) with its parameters' placeholders (`{}`, in order).
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Write::Insert => {
                "INSERT INTO {t} (tenant, id, version, doc) VALUES ($1, {}, 1, {}::jsonb) \
                 ON CONFLICT (tenant, id) DO NOTHING RETURNING 1"
            }
            Write::Upsert => {
                "INSERT INTO {t} AS t (tenant, id, version, doc) VALUES ($1, {}, 1, {}::jsonb) \
                 ON CONFLICT (tenant, id) DO UPDATE SET version = t.version + 1, doc = excluded.doc \
                 RETURNING 1"
            }
            Write::Update => {
                "UPDATE {t} SET version = version + 1, doc = {}::jsonb \
                 WHERE tenant = $1 AND id = {} AND version = {} RETURNING 1"
            }
            Write::Delete => "DELETE FROM {t} WHERE tenant = $1 AND id = {} RETURNING 1",
            Write::DeleteVersion => {
                "DELETE FROM {t} WHERE tenant = $1 AND id = {} AND version = {} RETURNING 1"
            }
            Write::Touch => {
                "UPDATE {t} SET version = version + 1 WHERE tenant = $1 AND id = {} RETURNING 1"
            }
            Write::TouchVersion => {
                "UPDATE {t} SET version = version + 1 \
                 WHERE tenant = $1 AND id = {} AND version = {} RETURNING 1"
            }
            Write::Exists => "SELECT 1 FROM {t} WHERE tenant = $1 AND id = {}",
        }
    }

    /// The rows the statement must return for the precondition to hold; `None`: any number.
    pub(crate) fn expected_rows(self) -> Option<u8> {
        match self {
            Write::Upsert | Write::Delete => None,
            Write::Exists => Some(0),
            Write::Insert
            | Write::Update
            | Write::DeleteVersion
            | Write::Touch
            | Write::TouchVersion => Some(1),
        }
    }
}

/// Audit entries, written by one `INSERT` of one [`AUDIT_ROW`] per entry so that their order
/// in the log (`seq`) is the change set's.
pub(crate) const INSERT_AUDIT: &str =
    "INSERT INTO valghalla.audit (tenant, at_ns, participant_id, election_id, doc) VALUES ";

/// One audit entry's row. Parameters: at, participant, election, doc.
pub(crate) const AUDIT_ROW: &str = "($1, {}, {}, {}, {}::jsonb)";

/// One outgoing message, replacing one with its id. Parameters: id, created, participant,
/// election, attempts, next attempt, doc.
pub(crate) const UPSERT_MESSAGE: &str = "INSERT INTO valghalla.outbox \
     (tenant, id, created_ns, participant_id, election_id, attempts, next_attempt_ns, doc) \
     VALUES ($1, {}, {}, {}, {}, {}, {}, {}::jsonb) \
     ON CONFLICT (tenant, id) DO UPDATE SET created_ns = excluded.created_ns, \
     participant_id = excluded.participant_id, election_id = excluded.election_id, \
     attempts = excluded.attempts, next_attempt_ns = excluded.next_attempt_ns, doc = excluded.doc";

/// The end of a change set's statement: checks the row counts of its writes (`found`) against
/// what their preconditions need, naming the failing change (SQLSTATE [`PRECONDITION_FAILED`]).
pub(crate) const EXPECT_ROWS: &str =
    "SELECT valghalla.expect_rows(ARRAY[{}]::bigint[], ARRAY[{}]::bigint[], ARRAY[{}]::int[])";

/// The SQLSTATE `valghalla.expect_rows` raises (migration 0003).
pub(crate) const PRECONDITION_FAILED: &str = "VH409";

pub(crate) const AUDIT_LOG: &str = "SELECT doc::text FROM valghalla.audit WHERE tenant = $1 \
     AND ($2::uuid IS NULL OR participant_id = $2) \
     AND ($3::uuid IS NULL OR election_id = $3) \
     ORDER BY at_ns DESC, seq DESC LIMIT $4";
pub(crate) const PURGE_AUDIT: &str = "DELETE FROM valghalla.audit WHERE tenant = $1 AND at_ns < $2";

pub(crate) const OUTBOX: &str = "SELECT doc::text FROM valghalla.outbox WHERE tenant = $1 \
     AND ($2::bigint IS NULL OR (pending AND next_attempt_ns <= $2)) \
     AND ($3::uuid IS NULL OR participant_id = $3) \
     AND ($4::uuid IS NULL OR election_id = $4) \
     ORDER BY created_ns, id LIMIT $5";
pub(crate) const RECORD_DELIVERY: &str = "UPDATE valghalla.outbox SET attempts = attempts + 1, \
     next_attempt_ns = $4, \
     doc = doc || jsonb_build_object('attempts', attempts + 1, 'status', $5::jsonb, \
                                     'next_attempt_at', $6::jsonb) \
               || CASE WHEN $7::text IS NULL THEN '{}'::jsonb \
                       ELSE jsonb_build_object('last_error', $7::text) END \
     WHERE tenant = $1 AND id = $2 AND attempts = $3";
pub(crate) const MESSAGE_EXISTS: &str =
    "SELECT EXISTS (SELECT 1 FROM valghalla.outbox WHERE tenant = $1 AND id = $2)";
pub(crate) const PURGE_OUTBOX: &str =
    "DELETE FROM valghalla.outbox WHERE tenant = $1 AND created_ns < $2 AND NOT pending";
