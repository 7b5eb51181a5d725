//! 20,000 anonymous requests leave the process's memory flat: an anonymous visitor costs the
//! server nothing that outlives the request (no stored session, no map entry). Measured as the
//! resident set size (Linux `/proc/self/status`) after a warm-up and after the 20,000.

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

use axum::http::StatusCode;
use common::{Browser, admin, portal};

/// The resident set size in kB, where the system tells it.
fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test(flavor = "current_thread")]
async fn twenty_thousand_anonymous_requests_leave_memory_flat() {
    let Some(_) = rss_kb() else {
        eprintln!("SKIPPED: no /proc/self/status on this system");
        return;
    };
    let p = portal().await;
    let team = p.ds.teams[0].id;
    let token = p
        .svc
        .create_link(&admin(), valghalla::core::model::LinkKind::Team { team })
        .await
        .expect("a link")
        .token
        .as_str()
        .to_owned();
    let pages = [
        "/login".to_owned(),
        "/login?next=/sekretariat".into(),
        format!("/link/{token}"),
        "/kontakt".into(),
        "/sekretariat".into(),
        "/findes-ikke".into(),
        "/healthz".into(),
        "/static/portal.css".into(),
    ];
    // Every request from a new browser: no cookies, as a crawler or a flood would come.
    let round = async |n: usize| {
        for i in 0..n {
            let mut b = Browser::new(&p);
            let r = b.get(&pages[i % pages.len()]).await;
            assert!(r.status != StatusCode::INTERNAL_SERVER_ERROR);
            if i % 4 == 0 {
                // A forged anonymous POST is refused and leaves nothing either.
                let r = b
                    .post_raw("/login", &[("csrf", "x"), ("identitet", "admin")])
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN);
            }
        }
    };
    round(3_000).await;
    let before = rss_kb().unwrap_or_default();
    round(20_000).await;
    let after = rss_kb().unwrap_or_default();
    let growth = after.saturating_sub(before);
    println!(
        "resident memory: {before} kB after warm-up, {after} kB after 20,000 anonymous requests (+{growth} kB)"
    );
    assert!(
        growth <= 3 * 1024,
        "memory grew by {growth} kB over 20,000 anonymous requests"
    );
}
