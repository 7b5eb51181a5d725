//! The structured log: one JSON line per request, naming the route's pattern, and never a CPR
//! number — although CPR numbers travel in the forms of this test. (A test binary of its own:
//! it installs the process's global subscriber.)

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

use axum::http::StatusCode;
use common::{Browser, portal};
use support::Sink;

#[tokio::test(flavor = "current_thread")]
async fn the_json_log_has_a_line_per_request_and_never_a_cpr_number() {
    let sink = Sink::default();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(sink.clone())
        .finish();
    // Global: callsites first seen by another thread would otherwise stay disabled.
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
    let p = portal().await;
    // CPR numbers travel in form bodies: a participant created by CPR, a citizen logging in.
    let (cpr, _, _) = valghalla_portal::demo::NEW_CITIZENS[1];
    let mut a = Browser::login(&p, "admin").await;
    a.get("/sekretariat/deltagere/ny").await;
    let team = p.ds.teams[0].id.to_string();
    let r = a
        .post(
            "/sekretariat/deltagere",
            &[("cpr", cpr), ("team", &team), ("mobil", "20304050")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = a
        .post("/sekretariat/deltagere", &[("cpr", cpr), ("team", &team)])
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a second time: refused at the field"
    );
    Browser::login(&p, "ny1").await;
    Browser::login(&p, "borger1").await;
    let log = sink.text();
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"route\":\"/sekretariat/deltagere\"")),
        "{log}"
    );
    for line in &lines {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "every line is JSON: {line}"
        );
    }
    let every_cpr: Vec<String> =
        p.ds.participants
            .iter()
            .map(|x| x.cpr.reveal())
            .chain(
                valghalla_portal::demo::NEW_CITIZENS
                    .iter()
                    .map(|c| c.0.to_owned()),
            )
            .collect();
    for c in &every_cpr {
        let dashed = format!("{}-{}", &c[..6], &c[6..]);
        assert!(
            !log.contains(c.as_str()) && !log.contains(&dashed),
            "a CPR number in the log"
        );
    }
}
