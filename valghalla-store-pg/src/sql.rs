//! Every statement the store runs: static SQL, one set per record table.
//!
//! Table names come from a fixed list, spliced in at compile time with `concat!`, so every
//! statement is a `&'static str` (sqlx 0.9's `SqlSafeStr`) and nothing is formatted at run time.
//! `$1` is always the tenant.

use valghalla_core::model::RecordKind;

/// The statements on one record table.
pub(crate) struct TableSql {
    /// `$2` id → `(version, doc)`.
    pub get: &'static str,
    /// Every row of the tenant → `(version, doc)`.
    pub all: &'static str,
    /// Insert at version 1 unless the id exists (`$2` id, `$3` doc); 0 rows: it existed.
    pub insert: &'static str,
    /// Insert at version 1 or replace with version + 1 (`$2` id, `$3` doc).
    pub upsert: &'static str,
    /// Replace if at version `$3` (`$2` id, `$4` doc); 0 rows: conflict.
    pub update: &'static str,
    /// Delete whatever is there (`$2` id).
    pub delete: &'static str,
    /// Delete if at version `$3` (`$2` id); 0 rows: conflict.
    pub delete_version: &'static str,
    /// Bump the version (`$2` id); 0 rows: missing.
    pub touch: &'static str,
    /// Bump the version if at version `$3` (`$2` id); 0 rows: conflict.
    pub touch_version: &'static str,
    /// Whether the id exists (`$2` id).
    pub exists: &'static str,
}

macro_rules! table_sql {
    ($t:literal) => {
        TableSql {
            get: concat!(
                "SELECT version, doc::text FROM valghalla.",
                $t,
                " WHERE tenant = $1 AND id = $2"
            ),
            all: concat!(
                "SELECT version, doc::text FROM valghalla.",
                $t,
                " WHERE tenant = $1"
            ),
            insert: concat!(
                "INSERT INTO valghalla.",
                $t,
                " (tenant, id, version, doc) VALUES ($1, $2, 1, $3::jsonb)",
                " ON CONFLICT (tenant, id) DO NOTHING"
            ),
            upsert: concat!(
                "INSERT INTO valghalla.",
                $t,
                " AS t (tenant, id, version, doc) VALUES ($1, $2, 1, $3::jsonb)",
                " ON CONFLICT (tenant, id) DO UPDATE SET version = t.version + 1, doc = excluded.doc"
            ),
            update: concat!(
                "UPDATE valghalla.",
                $t,
                " SET version = version + 1, doc = $4::jsonb",
                " WHERE tenant = $1 AND id = $2 AND version = $3"
            ),
            delete: concat!(
                "DELETE FROM valghalla.",
                $t,
                " WHERE tenant = $1 AND id = $2"
            ),
            delete_version: concat!(
                "DELETE FROM valghalla.",
                $t,
                " WHERE tenant = $1 AND id = $2 AND version = $3"
            ),
            touch: concat!(
                "UPDATE valghalla.",
                $t,
                " SET version = version + 1 WHERE tenant = $1 AND id = $2"
            ),
            touch_version: concat!(
                "UPDATE valghalla.",
                $t,
                " SET version = version + 1 WHERE tenant = $1 AND id = $2 AND version = $3"
            ),
            exists: concat!(
                "SELECT EXISTS (SELECT 1 FROM valghalla.",
                $t,
                " WHERE tenant = $1 AND id = $2)"
            ),
        }
    };
}

const MUNICIPALITY: TableSql = table_sql!("municipality");
const AREA: TableSql = table_sql!("area");
const WORK_LOCATION: TableSql = table_sql!("work_location");
const TASK_TYPE: TableSql = table_sql!("task_type");
const TEAM: TableSql = table_sql!("team");
const SPECIAL_DIET: TableSql = table_sql!("special_diet");
const ELECTION_TYPE: TableSql = table_sql!("election_type");
const ELECTION: TableSql = table_sql!("election");
const SEAT: TableSql = table_sql!("seat");
const PARTICIPANT: TableSql = table_sql!("participant");
const REJECTION: TableSql = table_sql!("rejection");
const LINK: TableSql = table_sql!("link");
const COMMUNICATION: TableSql = table_sql!("communication");

/// The statements for a kind's table.
pub(crate) fn table(kind: RecordKind) -> &'static TableSql {
    match kind {
        RecordKind::Municipality => &MUNICIPALITY,
        RecordKind::Area => &AREA,
        RecordKind::WorkLocation => &WORK_LOCATION,
        RecordKind::TaskType => &TASK_TYPE,
        RecordKind::Team => &TEAM,
        RecordKind::SpecialDiet => &SPECIAL_DIET,
        RecordKind::ElectionType => &ELECTION_TYPE,
        RecordKind::Election => &ELECTION,
        RecordKind::Seat => &SEAT,
        RecordKind::Participant => &PARTICIPANT,
        RecordKind::Rejection => &REJECTION,
        RecordKind::Link => &LINK,
        RecordKind::Communication => &COMMUNICATION,
    }
}

pub(crate) const SEATS_OF_ELECTION: &str =
    "SELECT version, doc::text FROM valghalla.seat WHERE tenant = $1 AND election_id = $2";
pub(crate) const SEATS_AT_LOCATION: &str = "SELECT version, doc::text FROM valghalla.seat \
     WHERE tenant = $1 AND election_id = $2 AND work_location_id = $3";
pub(crate) const SEATS_OF_SLOT: &str = "SELECT version, doc::text FROM valghalla.seat \
     WHERE tenant = $1 AND election_id = $2 AND work_location_id = $3 AND doc -> 'slot' = $4::jsonb";
pub(crate) const SEATS_OF_PARTICIPANT: &str =
    "SELECT version, doc::text FROM valghalla.seat WHERE tenant = $1 AND participant_id = $2";
pub(crate) const PARTICIPANT_BY_CPR: &str =
    "SELECT version, doc::text FROM valghalla.participant WHERE tenant = $1 AND cpr = $2";
pub(crate) const MEMBERS_OF_TEAM: &str = "SELECT version, doc::text FROM valghalla.participant WHERE tenant = $1 AND doc -> 'teams' ? $2";
pub(crate) const LINK_BY_TOKEN: &str =
    "SELECT version, doc::text FROM valghalla.link WHERE tenant = $1 AND token = $2";
pub(crate) const REJECTIONS_OF_ELECTION: &str =
    "SELECT version, doc::text FROM valghalla.rejection WHERE tenant = $1 AND election_id = $2";
pub(crate) const REJECTIONS_OF_PARTICIPANT: &str =
    "SELECT version, doc::text FROM valghalla.rejection WHERE tenant = $1 AND participant_id = $2";

pub(crate) const INSERT_AUDIT: &str = "INSERT INTO valghalla.audit \
     (tenant, at_ns, participant_id, election_id, doc) VALUES ($1, $2, $3, $4, $5::jsonb)";
pub(crate) const AUDIT_LOG: &str = "SELECT doc::text FROM valghalla.audit WHERE tenant = $1 \
     AND ($2::uuid IS NULL OR participant_id = $2) \
     AND ($3::uuid IS NULL OR election_id = $3) \
     ORDER BY at_ns DESC, seq DESC LIMIT $4";
pub(crate) const PURGE_AUDIT: &str = "DELETE FROM valghalla.audit WHERE tenant = $1 AND at_ns < $2";

pub(crate) const UPSERT_MESSAGE: &str = "INSERT INTO valghalla.outbox \
     (tenant, id, created_ns, participant_id, election_id, attempts, next_attempt_ns, doc) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) \
     ON CONFLICT (tenant, id) DO UPDATE SET created_ns = excluded.created_ns, \
     participant_id = excluded.participant_id, election_id = excluded.election_id, \
     attempts = excluded.attempts, next_attempt_ns = excluded.next_attempt_ns, doc = excluded.doc";
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
