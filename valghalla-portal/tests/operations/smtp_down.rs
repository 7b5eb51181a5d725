//! The SMTP server is down while a sign-up wave queues its messages: the scheduler's
//! dispatcher retries with backoff (the e-mail channel paused between tries, no message given
//! up), and once a real server (aiosmtpd) answers on the same port every message is delivered,
//! none lost, none twice.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use mail_parser::MessageParser;
use valghalla::core::service::DispatchConfig;
use valghalla::core::store::{DeliveryStatus, DynStore, OutboxFilter};
use valghalla::sqlite::SqliteStore;
use valghalla_portal::channels::{ChannelConfig, dispatcher};
use valghalla_portal::{Scheduler, Sessions};

use crate::support::MailServer;
use crate::wave::{self, Answer, Fixture};

const PEOPLE: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_queued_while_the_smtp_server_is_down_are_retried_and_delivered_once() {
    let test = "messages_queued_while_the_smtp_server_is_down_are_retried_and_delivered_once";
    // Whether aiosmtpd is here at all (skips loudly, or fails under VALGHALLA_REQUIRE_SMTP=1).
    let Some(probe) = MailServer::start(test, &[]) else {
        return;
    };
    drop(probe);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let fx = Fixture::new(wave::today(), PEOPLE);
    let store: DynStore = Arc::new(SqliteStore::open_in_memory().expect("store"));
    let w = wave::seed(store.clone(), &fx, PEOPLE as u32).await;
    let state = fx.state(store.clone(), Sessions::memory());
    let config = DispatchConfig {
        retry_base: Span::milliseconds(200),
        retry_max: Span::seconds(1),
        max_attempts: 100,
        ..DispatchConfig::default()
    };
    let d = dispatcher(
        &ChannelConfig {
            mail_dir: None,
            smtp: Some(format!("smtp://127.0.0.1:{port}?tls=none")),
            mail_from: "Korsbæk Kommune <valg@korsbaek.test>".into(),
        },
        config,
    )
    .expect("channels");
    let scheduler = Scheduler::start(&state, d);
    let (addr, _stop) = wave::serve(state).await;
    let base = format!("http://{addr}");
    let http = wave::http();
    let browsers = wave::browsers(&http, &base, &w, 0..PEOPLE).await;
    let answers = wave::wave(&http, &base, &w, browsers).await;
    assert!(
        answers.iter().all(|(_, a)| *a == Answer::Seat),
        "{answers:?}"
    );
    wave::check_answers(&store, &fx, &w, &answers).await;

    // Down for a while: tried, paused, tried again; nothing sent, nothing given up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let outbox = store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    let queued = outbox.len();
    assert!(queued >= PEOPLE, "a message per sign-up");
    assert!(
        outbox.iter().all(|m| m.status == DeliveryStatus::Pending),
        "nothing is sent or given up while the server is down"
    );
    let tries: u32 = outbox.iter().map(|m| m.attempts).sum();
    assert!(
        outbox.iter().any(|m| m.attempts >= 2),
        "retried while down ({tries} attempts in all)"
    );
    assert!(
        tries < 3 * queued as u32,
        "backoff: the paused channel is not hammered ({tries} attempts for {queued} messages in 3 s)"
    );
    assert!(
        outbox
            .iter()
            .filter(|m| m.attempts > 0)
            .all(|m| m.next_attempt_at > m.created_at && m.last_error.is_some()),
        "a failed try is recorded and waits"
    );

    // Back on the same port: everything is delivered, once.
    let Some(mail) = MailServer::start(test, &["--port", &port.to_string()]) else {
        return;
    };
    let back = Instant::now();
    let outbox = loop {
        let outbox = store
            .outbox(&OutboxFilter::default())
            .await
            .expect("outbox");
        if outbox.iter().all(|m| m.status != DeliveryStatus::Pending)
            || back.elapsed() > Duration::from_secs(30)
        {
            break outbox;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let delivered_in = back.elapsed();
    scheduler.shutdown().await;
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
    for m in &outbox {
        assert_eq!(
            received.get(&format!("{}@korsbaek.test", m.id)),
            Some(&1),
            "every message delivered exactly once"
        );
    }
    assert_eq!(received.len(), outbox.len(), "nothing else was delivered");
    println!(
        "SMTP down 3 s: {queued} messages, {tries} attempts while down; all delivered {:.1} s after it came back, each once",
        delivered_in.as_secs_f64()
    );
}
