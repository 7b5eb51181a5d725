//! Postgres is restarted in the middle of a sign-up wave: requests during the outage get the
//! Danish "Prøv igen om lidt" page with 503, no sign-up is half-written (each accepted seat has
//! its audit entry and its message, and no message exists without its seat), and the host
//! recovers by itself — the same process, its pool reconnecting.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use valghalla::core::messages::MessageKind;
use valghalla::core::model::{AuditSubject, RecordKey};
use valghalla::core::store::{AuditFilter, DynStore, OutboxFilter};
use valghalla::postgres::{PgStore, TenantId};
use valghalla_portal::Sessions;

use crate::pg::PgServer;
use crate::wave::{self, Answer, Fixture};

const PEOPLE: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarted_mid_wave_gives_503_then_recovers_with_nothing_half_written() {
    let Some(pg) = PgServer::start(
        "postgres_restarted_mid_wave_gives_503_then_recovers_with_nothing_half_written",
    ) else {
        return;
    };
    // The store's pool as the host makes it, with a short wait for a connection, so a request
    // during the outage is answered within seconds (the store's own default waits 10 s).
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(2))
        .connect(&pg.url())
        .await
        .expect("pool");
    PgStore::migrate(&pool).await.expect("migrate");
    let store: DynStore = Arc::new(PgStore::new(
        pool.clone(),
        TenantId::new("korsbaek").expect("tenant"),
    ));
    let fx = Fixture::new(wave::today(), PEOPLE);
    let w = wave::seed(store.clone(), &fx, PEOPLE as u32).await;
    let state = fx.state(
        store.clone(),
        Sessions::postgres(pool.clone()).await.expect("sessions"),
    );
    let (addr, _stop) = wave::serve(state).await;
    let base = format!("http://{addr}");
    let http = wave::http();
    let mut browsers = wave::browsers(&http, &base, &w, 0..PEOPLE).await;

    // The wave runs in sign-ups one after another from 6 clients; Postgres goes down in its
    // middle for 4 s.
    let mut tasks = Vec::new();
    let started = Instant::now();
    for share in 0..6 {
        let mine: Vec<_> = browsers
            .iter()
            .enumerate()
            .filter(|(n, _)| n % 6 == share)
            .map(|(_, b)| b.clone())
            .collect();
        let (http, base, w) = (http.clone(), base.clone(), w.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for (i, mut b) in mine {
                out.push((
                    i,
                    wave::take(&http, &base, &w, &mut b).await,
                    started.elapsed(),
                ));
                tokio::time::sleep(Duration::from_millis(60)).await;
            }
            out
        }));
    }
    tokio::time::sleep(Duration::from_millis(250)).await;
    let down_at = started.elapsed();
    pg.stop();
    // A page during the outage: the Danish try-again page.
    let reply = browsers[0]
        .1
        .get(&http, &format!("{base}/mine-opgaver"))
        .await
        .expect("answered");
    let (status, body) = (reply.status, reply.body);
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("Prøv igen om lidt"), "{body}");
    tokio::time::sleep(Duration::from_secs(4)).await;
    pg.start_again();
    let up_at = started.elapsed();
    let mut answers = Vec::new();
    for t in tasks {
        answers.extend(t.await.expect("joined"));
    }
    let during: Vec<_> = answers
        .iter()
        .filter(|(_, a, _)| *a == Answer::TryAgain)
        .collect();
    assert!(
        !during.is_empty(),
        "sign-ups during the outage were told to try again"
    );
    assert!(
        answers
            .iter()
            .all(|(_, a, _)| matches!(a, Answer::Seat | Answer::TryAgain | Answer::Refused)),
        "{answers:?}"
    );
    assert!(
        answers
            .iter()
            .any(|(_, a, at)| *a == Answer::Seat && *at > up_at),
        "the host recovered by itself: sign-ups after the restart succeed"
    );

    // Those told to try again do, on the same host process.
    let mut all: Vec<(usize, Answer)> = answers.iter().map(|(i, a, _)| (*i, a.clone())).collect();
    for (n, (i, a)) in all.iter_mut().enumerate() {
        if *a == Answer::TryAgain {
            let mut tries = 0;
            loop {
                let next = wave::take(&http, &base, &w, &mut browsers[*i].1).await;
                tries += 1;
                if next != Answer::TryAgain || tries > 20 {
                    *a = next;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            assert!(
                matches!(a, Answer::Seat | Answer::Refused),
                "retry {n} after the outage: {a:?}"
            );
        }
    }
    let holders = wave::check_answers(&store, &fx, &w, &all).await;
    assert_eq!(
        holders.len(),
        PEOPLE,
        "everyone holds exactly one seat in the end"
    );

    // Nothing half-written: every holder has their sign-up's message and audit entry, once.
    let seats: BTreeSet<_> = holders.iter().collect();
    let messages = store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    let registrations: Vec<_> = messages
        .iter()
        .filter(|m| m.kind == MessageKind::Registration && m.seat.is_some())
        .filter(|m| seats.contains(&m.participant))
        .collect();
    assert_eq!(
        registrations.len(),
        PEOPLE,
        "one confirmation per sign-up, none without its seat"
    );
    let audit = store
        .audit_log(&AuditFilter::default())
        .await
        .expect("audit");
    let seat_of = |p: &valghalla::core::ids::ParticipantId| {
        registrations
            .iter()
            .find(|m| m.participant == *p)
            .and_then(|m| m.seat)
            .expect("the message names the seat")
    };
    for p in &holders {
        let seat = seat_of(p);
        assert!(
            audit.iter().any(|e| e.participant == Some(*p)
                && e.subject == AuditSubject::Record(RecordKey::Seat(seat))),
            "the sign-up onto seat {seat} is in the audit log"
        );
    }
    println!(
        "Postgres down from {:.1} s to {:.1} s of the wave: {} sign-ups told \"Prøv igen om lidt\" (503), all had their seat after retrying on the same host",
        down_at.as_secs_f64(),
        up_at.as_secs_f64(),
        during.len()
    );
}
