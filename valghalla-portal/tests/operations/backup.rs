//! `valghalla-portal backup` while the host serves a sign-up wave, and `restore`: the restored
//! database passes the integrity check and holds every sign-up answered before the backup
//! began; a damaged backup is refused and the database left as it was.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use valghalla::core::store::DynStore;
use valghalla::sqlite::SqliteStore;
use valghalla_portal::Sessions;

use crate::wave::{self, Answer, Fixture};

const PEOPLE: usize = 96;
const WORKERS: usize = 8;

fn portal(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_valghalla-portal"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_a_sign_up_wave_restores_with_every_answered_sign_up() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("valghalla.db");
    let fx = Fixture::new(wave::today(), PEOPLE);
    let store: DynStore = Arc::new(SqliteStore::open(&db).expect("open"));
    let w = wave::seed(store.clone(), &fx, PEOPLE as u32).await;
    let state = fx.state(
        store.clone(),
        Sessions::sqlite(&db).await.expect("sessions"),
    );
    let (addr, _stop) = wave::serve(state).await;
    let base = format!("http://{addr}");
    let http = wave::http();
    let browsers = wave::browsers(&http, &base, &w, 0..PEOPLE).await;

    // The wave: WORKERS clients, each signing its people up one after another, noting when
    // each answer came.
    let mut shares: Vec<Vec<_>> = (0..WORKERS).map(|_| Vec::new()).collect();
    for (n, b) in browsers.into_iter().enumerate() {
        shares[n % WORKERS].push(b);
    }
    let answered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for share in shares {
        let (http, base, w, answered) = (http.clone(), base.clone(), w.clone(), answered.clone());
        workers.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for (i, mut b) in share {
                let a = wave::take(&http, &base, &w, &mut b).await;
                out.push((i, a, Instant::now()));
                answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            out
        }));
    }
    // Back up in the middle of it, with the binary.
    while answered.load(std::sync::atomic::Ordering::SeqCst) < PEOPLE / 4 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let backup = dir.path().join("kopi.db");
    let began = Instant::now();
    let out = tokio::task::spawn_blocking({
        let (db, backup) = (db.clone(), backup.clone());
        move || {
            portal(&[
                "backup".as_ref(),
                "--db".as_ref(),
                db.as_os_str(),
                "--to".as_ref(),
                backup.as_os_str(),
            ])
        }
    })
    .await
    .expect("joined");
    let took = began.elapsed();
    let mut answers = Vec::new();
    for w in workers {
        answers.extend(w.await.expect("joined"));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "backup: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("integrity_check ok"), "{stdout}");
    assert_eq!(
        mode(&backup),
        0o600,
        "a backup holds CPR numbers: owner only"
    );
    let during = wave::holders(&store, w.slot).await.len();
    assert!(
        during > PEOPLE / 4,
        "the host went on taking sign-ups during the backup"
    );
    let before: Vec<(usize, Answer)> = answers
        .iter()
        .filter(|(_, a, at)| *a == Answer::Seat && *at < began)
        .map(|(i, a, _)| (*i, a.clone()))
        .collect();
    assert!(
        before.len() >= PEOPLE / 4,
        "sign-ups answered before the backup"
    );
    let all: Vec<(usize, Answer)> = answers.iter().map(|(i, a, _)| (*i, a.clone())).collect();
    assert!(
        all.iter().all(|(_, a)| *a == Answer::Seat),
        "a seat for everyone: {all:?}"
    );
    wave::check_answers(&store, &fx, &w, &all).await;

    // Restore it into a new file with the binary; it holds every sign-up answered before.
    let restored = dir.path().join("genskabt.db");
    let out = portal(&[
        "restore".as_ref(),
        "--from".as_ref(),
        backup.as_os_str(),
        "--db".as_ref(),
        restored.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "restore: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    valghalla::sqlite::verify(&restored).expect("the restored database passes integrity_check");
    let back: DynStore = Arc::new(SqliteStore::open(&restored).expect("opens"));
    let holders = wave::check_answers(&back, &fx, &w, &before).await;
    assert!(holders.len() >= before.len());
    println!(
        "backup during a wave of {PEOPLE} sign-ups: {:.0} ms (binary start included), {} kB; {} sign-ups answered before it, {} in it",
        took.as_secs_f64() * 1000.0,
        std::fs::metadata(&backup).expect("size").len() / 1024,
        before.len(),
        holders.len()
    );
}

#[tokio::test]
async fn restore_refuses_a_damaged_backup_and_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("valghalla.db");
    let fx = Fixture::new(wave::today(), 4);
    let store = SqliteStore::open(&db).expect("open");
    let dynstore: DynStore = Arc::new(store);
    wave::seed(dynstore.clone(), &fx, 4).await;
    drop(dynstore);
    let backup = dir.path().join("kopi.db");
    let copied = valghalla::sqlite::backup(&db, &backup).expect("backup");
    assert!(copied.verified.pages > 0);
    // A backup that exists is never overwritten.
    assert!(matches!(
        valghalla::sqlite::backup(&db, &backup),
        Err(valghalla::sqlite::BackupError::Exists { .. })
    ));
    // Damage a page in the middle of the copy.
    let mut bytes = std::fs::read(&backup).expect("read");
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b = 0x5a;
    }
    let damaged = dir.path().join("skadet.db");
    std::fs::write(&damaged, &bytes).expect("write");
    let before = std::fs::read(&db).expect("db");
    let out = portal(&[
        "restore".as_ref(),
        "--from".as_ref(),
        damaged.as_os_str(),
        "--db".as_ref(),
        db.as_os_str(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("skadet.db")
            && (stderr.contains("damaged") || stderr.contains("malformed")),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&db).expect("db"),
        before,
        "the database is untouched"
    );
    // Not a valghalla database: refused too.
    let other = dir.path().join("andet.db");
    rusqlite::Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);"))
        .expect("another database");
    let out = portal(&["verify".as_ref(), other.as_os_str()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a valghalla database"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The sound backup restores over the database, keeping the old one beside it.
    let out = portal(&[
        "restore".as_ref(),
        "--from".as_ref(),
        backup.as_os_str(),
        "--db".as_ref(),
        db.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kept = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains(".before-restore-"));
    assert!(kept, "the replaced database is saved beside it");
    valghalla::sqlite::verify(&db).expect("sound");
}
