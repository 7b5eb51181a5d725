//! Shared test helpers: the database URL, fresh tenants and record fixtures.

#![allow(dead_code, reason = "each test file uses a part of the helpers")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use valghalla_core::cpr::Cpr;
use valghalla_core::ids::{
    AuditId, ElectionId, ElectionTypeId, MessageId, ParticipantId, SeatId, TaskTypeId, TeamId,
    WorkLocationId,
};
use valghalla_core::messages::MessageKind;
use valghalla_core::model::{
    ActorLabel, Area, AuditAction, AuditEntry, Contact, DateRange, Election, Link, LinkAuthor,
    LinkKind, LinkToken, Participant, PersonRecord, Record, RecordKey, RecordKind, Seat, SeatState,
    SlotKey, Versioned,
};
use valghalla_core::store::{DeliveryStatus, OutboxMessage, Store};
use valghalla_core::values::Name;
use valghalla_store_pg::{PgPool, PgStore, TenantId};

/// A URL to a database of this test process's own, created on first use in the server named
/// by `VALGHALLA_PG_URL` — so leftovers of other runs (another branch's migrations, say) can
/// never interfere — or `None` (after saying so) when the Postgres tests are to be skipped.
/// With `VALGHALLA_REQUIRE_PG=1` a missing URL fails the test instead.
pub fn url() -> Option<String> {
    static OWN: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    OWN.get_or_init(|| {
        let admin = match std::env::var("VALGHALLA_PG_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                assert!(
                    std::env::var("VALGHALLA_REQUIRE_PG").as_deref() != Ok("1"),
                    "VALGHALLA_REQUIRE_PG=1 but VALGHALLA_PG_URL is not set"
                );
                return None;
            }
        };
        Some(own_database(&admin))
    })
    .clone()
    .or_else(|| {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: set VALGHALLA_PG_URL to run the Postgres tests"
        );
        None
    })
}

/// Creates `vh_test_<unix seconds>_<random>` and drops such databases older than an hour.
fn own_database(admin: &str) -> String {
    let (base, query) = admin.split_once('?').map_or((admin, ""), |(b, q)| (b, q));
    let (server, _) = base
        .rsplit_once('/')
        .expect("VALGHALLA_PG_URL names a database");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let name = format!("vh_test_{now}_{}", uuid::Uuid::new_v4().simple());
    let admin = admin.to_owned();
    let create = name.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to VALGHALLA_PG_URL");
            let stale: Vec<(String,)> = sqlx::query_as(
                "SELECT datname FROM pg_database WHERE datname LIKE 'vh\\_test\\_%'",
            )
            .fetch_all(&mut conn)
            .await
            .expect("list test databases");
            for (old,) in stale {
                let born = old
                    .split('_')
                    .nth(2)
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0);
                if born + 3600 < now && old.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    let drop = format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop))
                        .execute(&mut conn)
                        .await;
                }
            }
            let sql = format!("CREATE DATABASE {create}");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("create the test database");
        });
    })
    .join()
    .expect("create the test database");
    if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    }
}

/// Connect options for the test database, named so a test can find its own backends.
pub fn options(url: &str, application_name: &str) -> PgConnectOptions {
    url.parse::<PgConnectOptions>()
        .expect("VALGHALLA_PG_URL is a Postgres URL")
        .application_name(application_name)
}

/// A migrated pool of at most `max` connections, or `None` when the tests are skipped.
pub async fn pool(max: u32) -> Option<PgPool> {
    let url = url()?;
    Some(pool_at(&url, max, "valghalla-test").await)
}

/// A migrated pool on `url`.
pub async fn pool_at(url: &str, max: u32, application_name: &str) -> PgPool {
    let pool = PgPoolOptions::new()
        .max_connections(max)
        .connect_with(options(url, application_name))
        .await
        .expect("connect to VALGHALLA_PG_URL");
    PgStore::migrate(&pool).await.expect("migrate");
    pool
}

/// A tenant id no other test uses.
pub fn fresh_tenant() -> TenantId {
    TenantId::new(&format!("t-{}", uuid::Uuid::new_v4().simple())).expect("valid tenant")
}

/// A store for a fresh tenant on a migrated pool.
pub async fn fresh_store(max: u32) -> Option<PgStore> {
    Some(PgStore::new(pool(max).await?, fresh_tenant()))
}

pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0)
        .single()
        .expect("valid instant")
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 6, d).expect("valid date")
}

pub fn name(s: &str) -> Name {
    Name::parse(s).expect("valid name")
}

/// The `n`th of a few valid CPR numbers.
pub fn cpr(n: usize) -> Cpr {
    const CPRS: [&str; 4] = ["0101901234", "0202802345", "0303703456", "0404604567"];
    Cpr::parse(CPRS[n % CPRS.len()]).expect("valid cpr")
}

pub fn area(id: valghalla_core::ids::AreaId, label: &str) -> Record {
    Record::Area(Area {
        id,
        name: name(label),
        description: String::new(),
    })
}

pub fn election(id: ElectionId) -> Record {
    let mut e = Election::new(
        name("Folketingsvalg"),
        ElectionTypeId::from_uuid(uuid::Uuid::nil()),
        day(10),
        DateRange::new(day(1), day(20)).expect("range"),
        3,
    )
    .expect("election");
    e.id = id;
    Record::Election(e)
}

pub fn slot(election: ElectionId, location: WorkLocationId, d: u32) -> SlotKey {
    SlotKey {
        election,
        work_location: location,
        task_type: TaskTypeId::from_uuid(uuid::Uuid::from_u128(7)),
        team: TeamId::from_uuid(uuid::Uuid::from_u128(8)),
        date: day(d),
    }
}

pub fn seat(id: SeatId, slot: SlotKey, holder: Option<ParticipantId>) -> Record {
    let state = match holder {
        None => SeatState::Vacant,
        Some(participant) => SeatState::Invited {
            participant,
            token: valghalla_core::model::InvitationToken::from_string("tok".into()),
            invited_at: at(1),
            last_reminder_at: None,
        },
    };
    Record::Seat(Seat { id, slot, state })
}

pub fn participant(id: ParticipantId, cpr: Cpr, teams: &[TeamId]) -> Record {
    Record::Participant(Participant {
        id,
        cpr,
        person: PersonRecord {
            first_name: "Karen".into(),
            last_name: "Jensen".into(),
            address: None,
            municipality: None,
            citizenship: None,
            birth_date: cpr.birth_date(),
            deceased: false,
            under_guardianship: false,
            protected_address: false,
            exempt_from_digital_post: false,
            resident_in_realm_since: None,
        },
        contact: Contact::default(),
        special_diets: BTreeSet::new(),
        teams: teams.iter().copied().collect(),
        preferred_work_location: None,
        last_validated_at: None,
        consent: None,
        created_at: at(0),
    })
}

pub fn link(id: valghalla_core::ids::LinkId, token: &str) -> Record {
    Record::Link(Link {
        id,
        token: LinkToken::from_string(token.into()),
        kind: LinkKind::Team {
            team: TeamId::from_uuid(uuid::Uuid::from_u128(8)),
        },
        created_at: at(0),
        revoked_at: None,
        made_by: LinkAuthor::Secretariat,
    })
}

pub fn audit(
    at_secs: i64,
    participant: Option<ParticipantId>,
    election: Option<ElectionId>,
) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        at: at(at_secs),
        actor: ActorLabel::Job {
            name: "tester".into(),
        },
        action: AuditAction::Edit,
        subject: RecordKey::Seat(SeatId::new()).into(),
        participant,
        election,
        description: "changed".into(),
    }
}

pub fn message(
    id: MessageId,
    participant: ParticipantId,
    election: Option<ElectionId>,
    created_secs: i64,
) -> OutboxMessage {
    OutboxMessage {
        id,
        kind: MessageKind::Invitation,
        participant,
        election,
        seat: None,
        facts: BTreeMap::from([("navn".to_owned(), "Karen".to_owned())]),
        custom: None,
        calendar: None,
        created_at: at(created_secs),
        status: DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: at(created_secs),
        last_error: None,
    }
}

/// Every record of the given kinds, sorted by key, for comparing two stores.
pub async fn snapshot(
    store: &dyn Store,
    kinds: &[RecordKind],
) -> Vec<(RecordKey, Versioned<Record>)> {
    let mut all = Vec::new();
    for kind in kinds {
        for v in store
            .query(&valghalla_core::store::Query::All(*kind))
            .await
            .expect("query all")
        {
            all.push((v.value.key(), v));
        }
    }
    all.sort_by_key(|(k, _)| *k);
    all
}

/// Sorts query results by key (stores return sets).
pub fn sorted(mut v: Vec<Versioned<Record>>) -> Vec<Versioned<Record>> {
    v.sort_by_key(|v| v.value.key());
    v
}

pub type Shared = Arc<dyn Store>;
