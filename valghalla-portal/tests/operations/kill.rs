//! The host process is SIGKILLed in the middle of a sign-up wave and started again: every
//! sign-up answered with success is there, nobody holds two seats, and every message queued
//! before the kill is delivered exactly once (by its Message-ID) through a real SMTP server
//! after the restart.
//!
//! The host is this test binary started again as a child process (`host_process`, below, which
//! only runs when the test starts it), serving the same fixture over the same SQLite file.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use mail_parser::MessageParser;
use valghalla::core::service::DispatchConfig;
use valghalla::core::store::{DeliveryStatus, DynStore, OutboxFilter};
use valghalla::sqlite::SqliteStore;
use valghalla_portal::channels::{ChannelConfig, dispatcher};
use valghalla_portal::{Scheduler, Sessions};

use crate::support::MailServer;
use crate::wave::{self, Answer, Fixture};

const PEOPLE: usize = 80;
const CHILD: &str = "VALGHALLA_OPERATIONS_HOST";

/// What the child host serves: `db|addr|today|smtp port or -`.
fn child_spec(db: &Path, addr: SocketAddr, today: NaiveDate, smtp: Option<u16>) -> String {
    format!(
        "{}|{addr}|{today}|{}",
        db.display(),
        smtp.map_or("-".into(), |p| p.to_string())
    )
}

/// The child host process, killed (by its own id) when dropped.
struct Host(Child);

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_host(spec: &str) -> Host {
    Host(
        Command::new(std::env::current_exe().expect("this test binary"))
            .args(["kill::host_process", "--exact", "--ignored", "--nocapture"])
            .env(CHILD, spec)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the host process starts"),
    )
}

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

async fn wait_healthy(http: &wave::Http, base: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let mut b = wave::Browser::default();
        if b.get(http, &format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status == 200)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the host did not answer /healthz within 30 s");
}

#[tokio::test]
#[ignore = "the host process that the_host_killed_mid_wave_* starts and kills; not a test by itself"]
async fn host_process() {
    let spec = std::env::var(CHILD).expect("started by the_host_killed_mid_wave_*");
    let parts: Vec<&str> = spec.split('|').collect();
    let db = PathBuf::from(parts[0]);
    let addr: SocketAddr = parts[1].parse().expect("addr");
    let today: NaiveDate = parts[2].parse().expect("date");
    let fx = Fixture::new(today, PEOPLE);
    let store: DynStore = Arc::new(SqliteStore::open(&db).expect("open"));
    let state = fx.state(store, Sessions::sqlite(&db).await.expect("sessions"));
    let _scheduler = match parts[3] {
        "-" => None,
        port => {
            let d = dispatcher(
                &ChannelConfig {
                    mail_dir: None,
                    smtp: Some(format!("smtp://127.0.0.1:{port}?tls=none")),
                    mail_from: "Korsbæk Kommune <valg@korsbaek.test>".into(),
                },
                DispatchConfig::default(),
            )
            .expect("channels");
            Some(Scheduler::start(&state, d))
        }
    };
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
    valghalla_portal::serve(listener, state, std::future::pending())
        .await
        .expect("served");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_host_killed_mid_wave_loses_no_answered_sign_up_and_delivers_every_message_once() {
    let Some(mail) = MailServer::start(
        "the_host_killed_mid_wave_loses_no_answered_sign_up_and_delivers_every_message_once",
        &[],
    ) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("valghalla.db");
    let today = wave::today();
    let fx = Fixture::new(today, PEOPLE);
    let w = {
        let store: DynStore = Arc::new(SqliteStore::open(&db).expect("open"));
        wave::seed(store, &fx, PEOPLE as u32).await
    };
    // The first host: no dispatcher, so every message of the wave waits in the outbox.
    let addr = free_addr();
    let base = format!("http://{addr}");
    let mut host = start_host(&child_spec(&db, addr, today, None));
    let http = wave::http();
    wait_healthy(&http, &base).await;
    let browsers = wave::browsers(&http, &base, &w, 0..PEOPLE).await;
    let kept: BTreeMap<usize, wave::Browser> =
        browsers.iter().map(|(i, b)| (*i, b.clone())).collect();

    // Everyone at once; SIGKILL when a quarter have their answer.
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (i, mut b) in browsers {
        let (http, base, w, answered) = (http.clone(), base.clone(), w.clone(), answered.clone());
        tasks.push(tokio::spawn(async move {
            // Spread over about half a second, so the kill falls inside the wave.
            tokio::time::sleep(Duration::from_millis(6 * i as u64)).await;
            let a = wave::take(&http, &base, &w, &mut b).await;
            if a != Answer::Unanswered {
                answered.fetch_add(1, Ordering::SeqCst);
            }
            (i, a)
        }));
    }
    let start = Instant::now();
    while answered.load(Ordering::SeqCst) < PEOPLE / 4 && start.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    host.0.kill().expect("SIGKILL");
    let _ = host.0.wait();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("joined"));
    }
    let seats = answers.iter().filter(|(_, a)| *a == Answer::Seat).count();
    let lost = answers
        .iter()
        .filter(|(_, a)| *a == Answer::Unanswered)
        .count();
    assert!(seats >= PEOPLE / 4, "a quarter answered before the kill");
    assert!(
        lost > 0,
        "the kill came in the middle of the wave: {answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|(_, a)| matches!(a, Answer::Seat | Answer::Unanswered)),
        "{answers:?}"
    );

    // What the database holds after the kill: every answered sign-up, nobody twice.
    let queued: BTreeSet<_> = {
        let store: DynStore = Arc::new(SqliteStore::open(&db).expect("reopens after SIGKILL"));
        let held = wave::check_answers(&store, &fx, &w, &answers).await;
        assert!(
            held.len() < PEOPLE,
            "the kill came before the wave's last sign-ups were written"
        );
        let outbox = store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox");
        assert!(
            outbox.iter().all(|m| m.status == DeliveryStatus::Pending),
            "nothing was sent before the kill"
        );
        outbox.iter().map(|m| m.id).collect()
    };
    valghalla::sqlite::verify(&db).expect("the database is sound after SIGKILL");
    assert!(queued.len() >= seats, "a message per answered sign-up");

    // Started again, with the dispatcher: the ones without an answer try again.
    let addr = free_addr();
    let base = format!("http://{addr}");
    let _host = start_host(&child_spec(&db, addr, today, Some(mail.port)));
    wait_healthy(&http, &base).await;
    let mut retried = Vec::new();
    for (i, a) in &answers {
        if *a == Answer::Unanswered {
            let mut b = kept[i].clone();
            retried.push((*i, wave::take(&http, &base, &w, &mut b).await));
        }
    }
    assert!(
        retried
            .iter()
            .all(|(_, a)| matches!(a, Answer::Seat | Answer::Refused)),
        "after the restart each either gets the seat or is told why not (already has it): {retried:?}"
    );
    let store: DynStore = Arc::new(SqliteStore::open(&db).expect("open"));
    let mut all = answers.clone();
    all.extend(retried);
    let holders = wave::check_answers(&store, &fx, &w, &all).await;
    assert_eq!(
        holders.len(),
        PEOPLE,
        "everyone holds exactly one seat in the end"
    );

    // Every message, those queued before the kill included, is delivered exactly once.
    let start = Instant::now();
    let outbox = loop {
        let outbox = store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox");
        if outbox.iter().all(|m| m.status != DeliveryStatus::Pending)
            || start.elapsed() > Duration::from_secs(40)
        {
            break outbox;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for m in &outbox {
        assert!(
            matches!(&m.status, DeliveryStatus::Sent { channel, .. } if channel == "email"),
            "{:?}",
            m.status
        );
    }
    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for r in mail.received() {
        let id = MessageParser::default()
            .parse(&r.raw)
            .and_then(|p| p.message_id().map(str::to_owned))
            .expect("a Message-ID");
        *received.entry(id).or_default() += 1;
    }
    for id in &queued {
        assert_eq!(
            received.get(&format!("{id}@korsbaek.test")),
            Some(&1),
            "a message queued before the kill is delivered exactly once"
        );
    }
    assert_eq!(received.len(), outbox.len(), "one delivery per message");
    assert!(received.values().all(|n| *n == 1), "none twice");
    println!(
        "SIGKILL after {seats} of {PEOPLE} sign-ups were answered ({lost} unanswered); {} messages queued before it, {} delivered after the restart, each once",
        queued.len(),
        received.len()
    );
}
