//! The SQLite database fills up in the middle of a sign-up wave (its size capped with
//! `SqliteStore::limit_size`, SQLite's `max_page_count`): writes get the Danish "Prøv igen om
//! lidt" page with 503 and a clear error in the service, the database stays intact with every
//! answered sign-up, the host goes on serving reads, and writes succeed again once there is room.

use std::sync::Arc;

use axum::http::StatusCode;
use valghalla::core::rules::access::{Actor, PersonActor};
use valghalla::core::service::Failure;
use valghalla::core::service::SeatRef;
use valghalla::core::store::{DynStore, StoreError};
use valghalla::sqlite::SqliteStore;
use valghalla_portal::Sessions;

use crate::wave::{self, Answer, Fixture};

const PEOPLE: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_database_refuses_writes_with_a_danish_503_and_keeps_serving_reads() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("valghalla.db");
    let fx = Fixture::new(wave::today(), PEOPLE);
    let sqlite = Arc::new(SqliteStore::open(&db).expect("open"));
    let store: DynStore = sqlite.clone();
    let w = wave::seed(store.clone(), &fx, PEOPLE as u32).await;
    let state = fx.state(store.clone(), Sessions::memory());
    let svc = state.tenants()[0].service().clone();
    let (addr, _stop) = wave::serve(state).await;
    let base = format!("http://{addr}");
    let http = wave::http();
    let mut browsers = wave::browsers(&http, &base, &w, 0..PEOPLE).await;

    // A dozen pages of room left.
    let pages = sqlite.limit_size(0).await.expect("cap");
    sqlite.limit_size((pages + 12) * 4096).await.expect("cap");
    let mut answers = Vec::new();
    let mut full_at = None;
    for (n, (i, b)) in browsers.iter_mut().enumerate() {
        let a = wave::take(&http, &base, &w, b).await;
        if a == Answer::TryAgain && full_at.is_none() {
            full_at = Some(n);
        }
        answers.push((*i, a));
    }
    let full_at = full_at.expect("the database filled up during the wave");
    assert!(full_at > 0, "some sign-ups fit before it was full");
    assert!(
        answers
            .iter()
            .all(|(_, a)| matches!(a, Answer::Seat | Answer::TryAgain)),
        "{answers:?}"
    );
    // The service says why, without data.
    let (i, _) = answers
        .iter()
        .find(|(_, a)| *a == Answer::TryAgain)
        .expect("a refused write");
    let ids = wave::participants(&store, &fx).await;
    let me = Actor::Person(PersonActor {
        participant: ids[*i],
        ..Default::default()
    });
    let token = valghalla::core::model::LinkToken::from_string(
        w.link_path.trim_start_matches("/link/").to_owned(),
    );
    match svc
        .take_seat(&me, SeatRef::AnyIn(w.slot), Some(&token))
        .await
    {
        Err(valghalla::Error::Failed(Failure::Store(StoreError::Unavailable {
            message, ..
        }))) => {
            assert!(message.contains("full"), "{message}")
        }
        other => panic!("a full database is a store failure that passes: {other:?}"),
    }
    // Intact, with every answered sign-up; reads go on.
    valghalla::sqlite::verify(&db).expect("the full database passes integrity_check");
    let held = wave::check_answers(&store, &fx, &w, &answers).await;
    let seats = answers.iter().filter(|(_, a)| *a == Answer::Seat).count();
    assert_eq!(held.len(), seats, "no half-written sign-up");
    for (_, b) in browsers.iter_mut().take(3) {
        let reply = b
            .get(&http, &format!("{base}/mine-opgaver"))
            .await
            .expect("get");
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "reads are served: {}",
            reply.body
        );
        let reply = b
            .get(&http, &format!("{base}{}", w.link_path))
            .await
            .expect("get");
        assert_eq!(reply.status, StatusCode::OK);
    }
    // Room again: the ones told to try again get their seat.
    sqlite.limit_size(1 << 40).await.expect("uncapped");
    let mut again = answers.clone();
    for (n, (i, b)) in browsers.iter_mut().enumerate() {
        if answers[n].1 == Answer::TryAgain {
            let a = wave::take(&http, &base, &w, b).await;
            assert_eq!(a, Answer::Seat, "person {i} after room was made");
            again[n].1 = a;
        }
    }
    let held = wave::check_answers(&store, &fx, &w, &again).await;
    assert_eq!(held.len(), PEOPLE);
    println!(
        "disk full: {full_at} of {PEOPLE} sign-ups fitted in 12 pages; the rest got 503 \"Prøv igen om lidt\" and their seat once there was room"
    );
}
