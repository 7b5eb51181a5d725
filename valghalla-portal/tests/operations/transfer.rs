//! A municipality's data leaves: `export-tenant` from a Postgres tenant, `import-tenant` into an
//! SQLite file, and back into a new Postgres tenant, compared record by record, entry by entry
//! and message by message (delivery state included) with the original; the file is private,
//! the output holds no CPR number, a changed or cut file is refused, and an import never merges
//! into data. And the Postgres recipe of RELIABILITY.md: `pg_dump` of the schemas, `pg_restore`
//! into a new database, the same data read back.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use chrono::Utc;
use valghalla::core::store::{DeliveryStatus, DeliveryUpdate, DynStore, OutboxFilter};
use valghalla::core::transfer::{self, TenantData};
use valghalla::postgres::{PgStore, TenantId};
use valghalla::sqlite::SqliteStore;

use crate::pg::PgServer;
use crate::wave::{self, Fixture};

fn portal(args: &[&std::ffi::OsStr]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_valghalla-portal"))
        .args(args)
        .env_remove("VALGHALLA_POSTGRES")
        .env_remove("VALGHALLA_DB")
        .output()
        .expect("the binary runs")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn pg_tenant(url: &str, tenant: &str) -> DynStore {
    let store = PgStore::connect(url, TenantId::new(tenant).expect("tenant"))
        .await
        .expect("connect");
    PgStore::migrate(store.pool()).await.expect("migrate");
    Arc::new(store)
}

/// A tenant with some of everything: Korsbæk's demo (its invitations made through the
/// service, so audit entries and messages), a sign-up wave, and messages sent, failed and
/// pending.
async fn populate(store: DynStore, fx: &Fixture) {
    let w = wave::seed(store.clone(), fx, fx.people.len() as u32).await;
    let svc = fx.service(store.clone());
    let ids = wave::participants(&store, fx).await;
    let token = valghalla::core::model::LinkToken::from_string(
        w.link_path.trim_start_matches("/link/").to_owned(),
    );
    for p in &ids {
        let me = valghalla::core::rules::access::Actor::Person(
            valghalla::core::rules::access::PersonActor {
                participant: *p,
                ..Default::default()
            },
        );
        svc.take_seat(
            &me,
            valghalla::core::service::SeatRef::AnyIn(w.slot),
            Some(&token),
        )
        .await
        .expect("a seat");
    }
    let messages = store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    assert!(messages.len() >= 3);
    let now = Utc::now();
    for (m, status) in messages.iter().zip([
        DeliveryStatus::Sent {
            at: now,
            channel: "email".into(),
            reference: Some("ref-1".into()),
        },
        DeliveryStatus::Failed {
            at: now,
            reason: "postkassen findes ikke".into(),
        },
    ]) {
        store
            .record_delivery(DeliveryUpdate {
                id: m.id,
                expected_attempts: m.attempts,
                status,
                next_attempt_at: now,
                error: Some("første forsøg".into()),
            })
            .await
            .expect("delivery");
    }
}

fn assert_same(a: &TenantData, b: &TenantData) {
    assert_eq!(a.records.len(), b.records.len(), "as many records");
    for (x, y) in a.records.iter().zip(&b.records) {
        assert_eq!(x, y, "record {:?}", x.key());
    }
    assert_eq!(a.audit, b.audit, "the audit log");
    assert_eq!(a.messages, b.messages, "the outbox");
    assert_eq!(a, b);
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_round_trips_from_postgres_to_sqlite_and_back_exactly() {
    let Some(pg) = PgServer::start("a_tenant_round_trips_from_postgres_to_sqlite_and_back_exactly")
    else {
        return;
    };
    let url = pg.url();
    let fx = Fixture::new(wave::today(), 12);
    let source = pg_tenant(&url, "korsbaek").await;
    populate(source.clone(), &fx).await;
    // Another municipality in the same database stays out of the export.
    let other = pg_tenant(&url, "naboby").await;
    other
        .apply(Fixture::new(wave::today(), 1).ds.change_set())
        .await
        .expect("neighbour");
    let original = transfer::read_tenant(source.as_ref()).await.expect("read");

    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("korsbaek.vht");
    let out = ok(&portal(&[
        "export-tenant".as_ref(),
        "--postgres".as_ref(),
        url.as_ref(),
        "--tenant".as_ref(),
        "korsbaek".as_ref(),
        "--to".as_ref(),
        file.as_os_str(),
    ]));
    assert_eq!(mode(&file), 0o600, "the file holds CPR numbers: owner only");
    let text = std::fs::read_to_string(&file).expect("file");
    for cpr in &fx.people {
        assert!(
            text.contains(&cpr.reveal()),
            "the file holds the CPR numbers"
        );
        assert!(!out.contains(&cpr.reveal()), "the output never shows one");
    }
    assert!(
        out.contains(&format!("{} poster", original.records.len())),
        "{out}"
    );

    // Into an SQLite file: the same data.
    let db = dir.path().join("korsbaek.db");
    let out = ok(&portal(&[
        "import-tenant".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--from".as_ref(),
        file.as_os_str(),
    ]));
    assert!(out.contains("Importeret"), "{out}");
    let sqlite: DynStore = Arc::new(SqliteStore::open(&db).expect("open"));
    assert_same(
        &original,
        &transfer::read_tenant(sqlite.as_ref()).await.expect("read"),
    );
    drop(sqlite);

    // And back into a new Postgres tenant: the same data again, the same file body.
    let back_file = dir.path().join("tilbage.vht");
    ok(&portal(&[
        "export-tenant".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--to".as_ref(),
        back_file.as_os_str(),
    ]));
    ok(&portal(&[
        "import-tenant".as_ref(),
        "--postgres".as_ref(),
        url.as_ref(),
        "--tenant".as_ref(),
        "korsbaek2".as_ref(),
        "--from".as_ref(),
        back_file.as_os_str(),
    ]));
    let again = pg_tenant(&url, "korsbaek2").await;
    assert_same(
        &original,
        &transfer::read_tenant(again.as_ref()).await.expect("read"),
    );
    let body = |t: &str| -> Vec<String> {
        let lines: Vec<String> = t.lines().map(str::to_owned).collect();
        lines[1..lines.len() - 1].to_vec()
    };
    assert_eq!(
        body(&text),
        body(&std::fs::read_to_string(&back_file).expect("file")),
        "the same lines, whichever store wrote them"
    );

    // An import never merges: into a tenant with data, refused, nothing changed.
    let out = portal(&[
        "import-tenant".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--from".as_ref(),
        file.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already holds data"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A changed file is refused by its checksum, a cut one by its missing end; neither
    // message quotes the file.
    let changed = dir.path().join("aendret.vht");
    std::fs::write(
        &changed,
        text.replacen("Korsbæk Bølgehallen", "Korsbæk Bølgehallen!", 1),
    )
    .expect("write");
    let cut = dir.path().join("kort.vht");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&cut, lines[..lines.len() / 2].join("\n") + "\n").expect("write");
    for (bad, why) in [(&changed, "checksum"), (&cut, "cut short")] {
        let fresh = dir.path().join(format!("{why}.db"));
        let out = portal(&[
            "import-tenant".as_ref(),
            "--db".as_ref(),
            fresh.as_os_str(),
            "--from".as_ref(),
            bad.as_os_str(),
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains(why) && stderr.contains("nothing was written"),
            "{stderr}"
        );
        for cpr in &fx.people {
            assert!(!stderr.contains(&cpr.reveal()));
        }
    }
    println!(
        "tenant round trip Postgres → SQLite → Postgres: {} records, {} audit entries, {} messages, {} kB file",
        original.records.len(),
        original.audit.len(),
        original.messages.len(),
        text.len() / 1024
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_backup_recipe_pg_dump_and_pg_restore_brings_back_every_tenant() {
    let Some(pg) = PgServer::start(
        "the_postgres_backup_recipe_pg_dump_and_pg_restore_brings_back_every_tenant",
    ) else {
        return;
    };
    let url = pg.url();
    let fx = Fixture::new(wave::today(), 6);
    let source = pg_tenant(&url, "korsbaek").await;
    populate(source.clone(), &fx).await;
    let original = transfer::read_tenant(source.as_ref()).await.expect("read");
    // The recipe (RELIABILITY.md): the two schemas, custom format; into a new database, in
    // one transaction, stopping at the first error.
    let dump = pg.dir().join("valghalla.dump");
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(pg.tool(program))
            .args(args)
            .output()
            .expect(program);
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(
        "pg_dump",
        &[
            "--format=custom",
            "--schema=valghalla",
            "--schema=valghalla_portal",
            "--file",
            &dump.display().to_string(),
            &url,
        ],
    );
    run(
        "createdb",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &pg.port.to_string(),
            "-U",
            "postgres",
            "genskabt",
        ],
    );
    let restored_url = format!("postgres://postgres@127.0.0.1:{}/genskabt", pg.port);
    run(
        "pg_restore",
        &[
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--dbname",
            &restored_url,
            &dump.display().to_string(),
        ],
    );
    // The host starts on it (its migrations are recorded, so none runs again) and reads the same.
    let restored = pg_tenant(&restored_url, "korsbaek").await;
    assert_same(
        &original,
        &transfer::read_tenant(restored.as_ref())
            .await
            .expect("read"),
    );
    println!(
        "pg_dump → pg_restore: {} records, {} audit entries, {} messages; dump {} kB",
        original.records.len(),
        original.audit.len(),
        original.messages.len(),
        std::fs::metadata(&dump).map_or(0, |m| m.len() / 1024)
    );
}
