//! The host around the pages: the scheduler delivers the queued invitations to the mail folder
//! and their links open the answer page; the Drift page shows the jobs and sends a failed
//! message again; shutdown finishes the requests it accepted and the dispatch in progress; and
//! the binary starts on demo data, delivers, and stops on SIGTERM.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

#[path = "http/common.rs"]
#[allow(dead_code, reason = "shared with the HTTP tests; each uses part of it")]
mod common;

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::get;

use async_trait::async_trait;
use axum::http::StatusCode;
use common::{Browser, Portal, invited_seat, portal_with, test_config};
use valghalla::core::messages::{Channel, MessageSender, Outgoing, Receipt, SendError};
use valghalla::core::service::{DispatchConfig, Dispatcher};
use valghalla::core::store::{DeliveryStatus, OutboxFilter};
use valghalla_portal::channels::{ChannelConfig, dispatcher};
use valghalla_portal::scheduler::{Job, run_job};
use valghalla_portal::{PortalConfig, Scheduler};

fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .collect()
        })
        .unwrap_or_default()
}

/// The path of the invitation link for `seat` in any file of `dir`.
fn link_in_files(dir: &Path, seat: &str) -> Option<String> {
    let marker = format!("/invitation/{seat}/");
    files(dir).into_iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let at = text.find(&marker)?;
        let token: String = text[at + marker.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        Some(format!("{marker}{token}"))
    })
}

async fn pending(p: &Portal) -> usize {
    p.store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox")
        .iter()
        .filter(|m| m.status == DeliveryStatus::Pending)
        .count()
}

fn fast(mut config: PortalConfig) -> PortalConfig {
    config.schedule.dispatch_every = Duration::from_millis(300);
    config
}

#[tokio::test]
async fn the_scheduler_delivers_the_invitations_to_the_mail_folder_and_their_links_open_the_answer_page()
 {
    let mail = tempfile::tempdir().expect("dir");
    let p = portal_with(fast(test_config())).await;
    let queued = pending(&p).await;
    assert!(queued > 0, "the demo's invitations wait in the outbox");
    let d = dispatcher(
        &ChannelConfig {
            mail_dir: Some(mail.path().to_owned()),
            ..ChannelConfig::default()
        },
        DispatchConfig::default(),
    )
    .expect("channels")
    .expect("a dispatcher");
    let scheduler = Scheduler::start(&p.state, Some(d));
    let start = Instant::now();
    while pending(&p).await > 0 && start.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending(&p).await, 0, "every queued message was sent");
    assert_eq!(files(mail.path()).len(), queued, "one file per message");
    // The person's invitation is in the folder, and its link opens the answer page.
    let mut person = Browser::login(&p, "borger2").await;
    let seat = invited_seat(&person.get("/mine-opgaver").await.body);
    let path = link_in_files(mail.path(), &seat).expect("the invitation's file and link");
    let page = person.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Vil du tage opgaven?"), "{}", page.body);
    // The Drift page shows the dispatcher's runs and the daily jobs' next run.
    let mut admin = Browser::login(&p, "admin").await;
    let drift = admin.get("/sekretariat/drift").await;
    assert_eq!(drift.status, StatusCode::OK);
    assert!(drift.body.contains("Udsendelse af beskeder"));
    assert!(
        drift.body.contains(&format!("{queued} sendt")),
        "{}",
        drift.body
    );
    assert!(drift.body.contains("Påmindelser om opgaver"));
    assert!(!drift.body.contains("Planlæggeren kører ikke"));
    // A daily job runs when asked, and its run shows.
    let r = admin.post("/sekretariat/drift/job/deaktivering", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        let s = p.tenant.board().snapshot();
        if s.iter()
            .any(|(j, st)| *j == Job::ElectionDeactivation && st.runs == 1)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drift = admin.get("/sekretariat/drift").await;
    assert!(
        drift.body.contains("0 ændret, 0 sprunget over"),
        "{}",
        drift.body
    );
    // Readers and citizens do not see it.
    let mut reader = Browser::login(&p, "laeser").await;
    assert_eq!(
        reader.get("/sekretariat/drift").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reader
            .post("/sekretariat/drift/job/sletning", &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    scheduler.shutdown().await;
}

/// A provider that refuses everything while `down` is set.
#[derive(Debug)]
struct Provider {
    channel: Channel,
    down: Arc<AtomicBool>,
}

#[async_trait]
impl MessageSender for Provider {
    fn channel(&self) -> Channel {
        self.channel
    }
    async fn send(&self, _msg: &Outgoing) -> Result<Receipt, SendError> {
        if self.down.load(Ordering::SeqCst) {
            Err(SendError::Permanent("udbyderen afviste beskeden".into()))
        } else {
            Ok(Receipt::default())
        }
    }
}

#[tokio::test]
async fn a_failed_message_is_shown_on_the_drift_page_and_sent_again_when_asked() {
    let p = portal_with(test_config()).await;
    let down = Arc::new(AtomicBool::new(true));
    let mut d = Dispatcher::new(DispatchConfig::default());
    for channel in [Channel::DigitalPost, Channel::Email, Channel::Sms] {
        d = d.with_sender(Arc::new(Provider {
            channel,
            down: down.clone(),
        }));
    }
    let jobs = test_config().schedule.jobs;
    run_job(&p.tenant, Job::Dispatch, &jobs, Some(&d)).await;
    let outbox = p
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    let failed: Vec<_> = outbox
        .iter()
        .filter(|m| matches!(m.status, DeliveryStatus::Failed { .. }))
        .collect();
    assert!(!failed.is_empty());
    let one = failed[0].id;
    let mut admin = Browser::login(&p, "admin").await;
    let drift = admin.get("/sekretariat/drift").await;
    assert!(
        drift.body.contains("udbyderen afviste beskeden"),
        "{}",
        drift.body
    );
    assert!(
        drift
            .body
            .contains(&format!("/sekretariat/drift/besked/{one}/igen"))
    );
    // A reader may not send it again.
    let mut reader = Browser::login(&p, "laeser").await;
    reader.get("/sekretariat").await;
    let r = reader
        .post(&format!("/sekretariat/drift/besked/{one}/igen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The administrator does; the provider is back; the next run sends it.
    let r = admin
        .post(&format!("/sekretariat/drift/besked/{one}/igen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    down.store(false, Ordering::SeqCst);
    run_job(&p.tenant, Job::Dispatch, &jobs, Some(&d)).await;
    let after = p
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    let m = after.iter().find(|m| m.id == one).expect("the message");
    assert!(
        matches!(m.status, DeliveryStatus::Sent { .. }),
        "{:?}",
        m.status
    );
    // The others stay failed; a sent message cannot be "sent again".
    assert!(
        after
            .iter()
            .filter(|m| matches!(m.status, DeliveryStatus::Failed { .. }))
            .count()
            == failed.len() - 1
    );
    let r = admin
        .post(&format!("/sekretariat/drift/besked/{one}/igen"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

/// A provider that holds the first message until released.
#[derive(Debug)]
struct Slow {
    channel: Channel,
    entered: Arc<AtomicUsize>,
    release: Arc<tokio::sync::Notify>,
}

#[async_trait]
impl MessageSender for Slow {
    fn channel(&self) -> Channel {
        self.channel
    }
    async fn send(&self, _msg: &Outgoing) -> Result<Receipt, SendError> {
        if self.entered.fetch_add(1, Ordering::SeqCst) == 0 {
            self.release.notified().await;
        }
        Ok(Receipt::default())
    }
}

#[tokio::test]
async fn shutdown_finishes_the_dispatch_in_progress() {
    let p = portal_with(fast(test_config())).await;
    let entered = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(tokio::sync::Notify::new());
    let mut d = Dispatcher::new(DispatchConfig::default());
    for channel in [Channel::DigitalPost, Channel::Email, Channel::Sms] {
        d = d.with_sender(Arc::new(Slow {
            channel,
            entered: entered.clone(),
            release: release.clone(),
        }));
    }
    let scheduler = Scheduler::start(&p.state, Some(d));
    while entered.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopping = tokio::spawn(scheduler.shutdown());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !stopping.is_finished(),
        "shutdown waits for the dispatch in progress"
    );
    release.notify_one();
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("shutdown ends")
        .expect("joined");
    assert_eq!(pending(&p).await, 0, "the whole run was sent and recorded");
}

#[tokio::test]
async fn graceful_shutdown_answers_every_request_it_accepted() {
    let p = portal_with(test_config()).await;
    let inside = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(tokio::sync::Notify::new());
    let (i, r) = (inside.clone(), release.clone());
    // The portal's router, with one route that holds its requests until released.
    let app = valghalla_portal::router(p.state.clone()).route(
        "/langsom",
        axum::routing::get(move || {
            let (i, r) = (i.clone(), r.clone());
            async move {
                i.fetch_add(1, Ordering::SeqCst);
                r.notified().await;
                "færdig"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(valghalla_portal::serve_router(listener, app, async move {
        let _ = stopped.await;
    }));
    const N: usize = 20;
    let mut clients = Vec::new();
    for _ in 0..N {
        clients.push(tokio::spawn(get(addr, "/langsom")));
    }
    // A real page is in flight too.
    while inside.load(Ordering::SeqCst) < N {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let page = tokio::spawn(get(addr, "/kontakt"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let _ = stop.send(());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !server.is_finished(),
        "the server waits for the requests it accepted"
    );
    release.notify_waiters();
    for c in clients {
        let (status, body) = c.await.expect("joined").expect("answered");
        assert_eq!(status, 200);
        assert!(body.contains("færdig"));
    }
    assert_eq!(page.await.expect("joined").expect("answered").0, 200);
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .expect("joined")
        .expect("served");
    assert!(
        get(addr, "/kontakt").await.is_err(),
        "no new connections after shutdown"
    );
}

/// The binary on demo data: it starts, delivers the seeded invitations to the mail folder
/// within a minute, serves their links, and stops cleanly on SIGTERM.
#[tokio::test]
async fn the_binary_runs_the_demo_delivers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let mail = dir.path().join("post");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_valghalla-portal"))
        .args([
            "--demo",
            "--addr",
            &addr.to_string(),
            "--dispatch-seconds",
            "1",
        ])
        .arg("--db")
        .arg(dir.path().join("demo.db"))
        .arg("--mail-dir")
        .arg(&mail)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let start = Instant::now();
    let mut healthy = false;
    while start.elapsed() < Duration::from_secs(60) {
        if get(addr, "/healthz").await.is_ok_and(|(s, _)| s == 200) {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let delivered = async {
        while start.elapsed() < Duration::from_secs(60) {
            if !files(&mail).is_empty() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        false
    }
    .await;
    let link = files(&mail).into_iter().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let at = text.find("/invitation/")?;
        let path: String = text[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<'))
            .collect();
        Some(path)
    });
    let answer = match &link {
        Some(path) => get(addr, path).await.ok(),
        None => None,
    };
    // The shell's own `kill` (always there, unlike /bin/kill).
    let _ = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status();
    let mut exited = None;
    let stop = Instant::now();
    while stop.elapsed() < Duration::from_secs(20) {
        if let Ok(Some(status)) = child.try_wait() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Whatever happened, the child does not outlive the test.
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "the host answered /healthz");
    assert!(
        delivered,
        "the seeded invitations reached the mail folder within a minute"
    );
    let (status, text) = answer.expect("an invitation link was served");
    assert_eq!(status, 303, "{text}");
    assert!(
        text.contains("location: /login?next=/invitation/"),
        "{text}"
    );
    assert!(exited.expect("the host stopped on SIGTERM").success());
}
