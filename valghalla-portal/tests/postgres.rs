//! The portal on Postgres: two host processes (here: two routers, each with its own pool) on
//! one database serve the same logins, and municipalities chosen by host name never reach each
//! other's data. Skipped (loudly) without `VALGHALLA_PG_URL`; with `VALGHALLA_REQUIRE_PG=1` a
//! skip is a failure.

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

use std::sync::Arc;

use axum::http::StatusCode;
use common::{Browser, admin, test_config};
use valghalla::core::model::LinkKind;
use valghalla::postgres::{PgStore, TenantId};
use valghalla_portal::{PortalState, Sessions, Tenant, demo, router};

/// A fresh database in the server of `VALGHALLA_PG_URL`, or `None` after saying so.
async fn database() -> Option<String> {
    let Ok(url) = std::env::var("VALGHALLA_PG_URL") else {
        assert!(
            std::env::var("VALGHALLA_REQUIRE_PG").as_deref() != Ok("1"),
            "VALGHALLA_REQUIRE_PG=1 but VALGHALLA_PG_URL is not set"
        );
        eprintln!("SKIPPED: set VALGHALLA_PG_URL to run the portal's Postgres tests");
        return None;
    };
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to VALGHALLA_PG_URL");
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    // Named like the store's test databases, so their clean-up drops it after an hour.
    let name = format!("vh_test_{secs}_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    let (base, _) = url.rsplit_once('/').expect("a database in the URL");
    Some(format!("{base}/{name}"))
}

async fn store(url: &str, tenant: &str) -> PgStore {
    let s = PgStore::connect(url, TenantId::new(tenant).expect("tenant id"))
        .await
        .expect("connect");
    PgStore::migrate(s.pool()).await.expect("migrate");
    s
}

#[tokio::test]
async fn two_portals_on_one_postgres_share_a_login() {
    let Some(url) = database().await else { return };
    let today = demo::today();
    let mut portals = Vec::new();
    for _ in 0..2 {
        // Each "process" has its own pool, its own tenant object and its own sessions handle.
        let s = store(&url, "korsbaek").await;
        let pool = s.pool().clone();
        let tenant = demo::tenant(Arc::new(s), today, "http://test")
            .await
            .expect("tenant");
        let sessions = Sessions::postgres(pool).await.expect("sessions");
        portals.push(router(PortalState::single(test_config(), tenant, sessions)));
    }
    let (a, b) = (portals[0].clone(), portals[1].clone());
    // The anonymous login form of one is accepted by the other (the cookie key is shared).
    let mut on_a = Browser::on(a.clone());
    on_a.get("/login").await;
    let mut on_b = Browser::on(b.clone());
    on_b.cookies = on_a.cookies.clone();
    on_b.csrf = on_a.csrf.clone();
    let r = on_b
        .post("/login", &[("identitet", "admin"), ("next", "/")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The login made on B is known to A.
    on_a.cookies = on_b.cookies.clone();
    let page = on_a.get("/sekretariat").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Birte Administrator"));
    // Logging out on A ends it on B too.
    let r = on_a.post("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = on_b.get("/sekretariat").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
}

#[tokio::test]
async fn municipalities_chosen_by_host_name_never_reach_each_other() {
    let Some(url) = database().await else { return };
    let today = demo::today();
    let a_store = store(&url, "kommune-a").await;
    let pool = a_store.pool().clone();
    let b_store = PgStore::new(pool.clone(), TenantId::new("kommune-b").expect("id"));
    let a_store: valghalla::core::store::DynStore = Arc::new(a_store);
    let a = demo::tenant(Arc::clone(&a_store), today, "http://a.test")
        .await
        .expect("a");
    let b = demo::tenant(Arc::new(b_store), today, "http://b.test")
        .await
        .expect("b");
    let a = Tenant::new("kommune-a", a.service().clone(), a.auth.clone());
    let b = Tenant::new("kommune-b", b.service().clone(), b.auth.clone());
    // Data only A has: an area, a participant and a link.
    let svc_a = a.service().clone();
    svc_a
        .create_area(
            &admin(),
            valghalla::core::service::AreaDraft {
                name: "Kun i A".into(),
                description: String::new(),
            },
        )
        .await
        .expect("area");
    let (cpr, _, _) = demo::NEW_CITIZENS[0];
    let only_a = svc_a
        .create_participant(
            &admin(),
            valghalla::core::service::NewParticipant {
                cpr: valghalla::core::Cpr::parse(cpr).expect("cpr"),
                contact: Default::default(),
                teams: [svc_a.teams(&admin()).await.expect("teams")[0].id].into(),
                special_diets: Default::default(),
                preferred_work_location: None,
            },
        )
        .await
        .expect("participant");
    let team = svc_a.teams(&admin()).await.expect("teams")[0].id;
    let link_a = svc_a
        .create_link(&admin(), LinkKind::Team { team })
        .await
        .expect("link");
    let state = PortalState::hosted(
        test_config(),
        vec![(vec!["a.test".into()], a), (vec!["b.test:8080".into()], b)],
        Sessions::postgres(pool).await.expect("sessions"),
    )
    .expect("state");
    let app = router(state);
    let on = |host: &str| {
        let mut br = Browser::on(app.clone());
        br.host = Some(host.to_owned());
        br
    };
    // A's administrator, logged in on a.test.
    let mut in_a = on("a.test");
    in_a.log_in("admin").await;
    let page = in_a.get("/sekretariat/stamdata").await;
    assert!(page.body.contains("Kun i A"));
    assert_eq!(
        in_a.get(&format!("/sekretariat/deltagere/{}", only_a.id))
            .await
            .status,
        StatusCode::OK
    );
    // The same session cookie under B's host name is nobody.
    let mut carried = on("b.test:8080");
    carried.cookies = in_a.cookies.clone();
    let r = carried.get("/sekretariat").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "A's login is not valid on B"
    );
    let r = carried
        .post_raw(
            "/sekretariat/stamdata/omraade",
            &[("csrf", &in_a.csrf), ("omraade-navn", "Snyd")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // B's own administrator sees none of A's data, and A's ids and links do not resolve.
    let mut in_b = on("B.TEST:8080");
    in_b.log_in("admin").await;
    let page = in_b.get("/sekretariat/stamdata").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Kun i A"));
    assert!(!page.body.contains("Snyd"));
    assert_eq!(
        in_b.get(&format!("/sekretariat/deltagere/{}", only_a.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = in_b.get(&format!("/link/{}", link_a.token.as_str())).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let people = in_b.get("/sekretariat/deltagere?q=Agnes").await;
    assert!(
        !people.body.contains("Varnæs"),
        "A's participant is not listed on B"
    );
    // A host name that is no municipality's.
    let mut stranger = on("c.test");
    let r = stranger.get("/login").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Ukendt adresse"));
    // Each tenant's messages link to its own host.
    let outbox = a_store.outbox(&Default::default()).await.expect("outbox");
    assert!(
        outbox
            .iter()
            .filter_map(|m| m.facts.get("invitation"))
            .all(|l| l.starts_with("http://a.test/")),
    );
}
