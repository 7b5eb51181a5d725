//! Sessions: nothing stored for an anonymous visitor, a new id at login, deleted at logout,
//! ended by the idle timeout and by the absolute lifetime, `Secure` under https, and kept in the
//! SQLite file beside the data.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use valghalla_portal::{PortalState, SessionConfig, Sessions, demo, router};

use super::common::{Browser, SESSION, portal, portal_with, test_config};

fn session_cookies(r: &super::common::Reply) -> Vec<String> {
    r.set_cookies()
        .into_iter()
        .filter(|c| c.starts_with(&format!("{SESSION}=")))
        .collect()
}

#[tokio::test]
async fn an_anonymous_visitor_gets_no_session_until_they_log_in() {
    let p = portal().await;
    let mut b = Browser::new(&p);
    let token = p
        .svc
        .links(&super::common::admin(), None)
        .await
        .expect("links")
        .into_iter()
        .next()
        .map(|l| l.link.token.as_str().to_owned());
    let mut pages = vec![
        "/login".to_owned(),
        "/kontakt".into(),
        "/findes-ikke".into(),
    ];
    pages.extend(token.map(|t| format!("/link/{t}")));
    for page in &pages {
        let r = b.get(page).await;
        assert!(
            session_cookies(&r).is_empty(),
            "{page}: {:?}",
            r.set_cookies()
        );
        assert!(r.body.contains("name=\"csrf\"") || page != "/login");
    }
    assert!(!b.cookies.contains_key(SESSION));
    // The anonymous login form works with the signed cookie alone.
    let r = b
        .post("/login", &[("identitet", "admin"), ("next", "/")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(session_cookies(&r).len(), 1);
}

#[tokio::test]
async fn the_session_id_changes_at_login_and_is_gone_after_logout() {
    let p = portal().await;
    let mut b = Browser::login(&p, "borger1").await;
    let first = b.cookies.get(SESSION).cloned().expect("a session");
    // Logging in again (as someone else) in the same browser gives a new id; the old one is dead.
    b.log_in("admin").await;
    let second = b.cookies.get(SESSION).cloned().expect("a session");
    assert_ne!(first, second);
    let mut old = Browser::new(&p);
    old.cookies.insert(SESSION.into(), first);
    let r = old.get("/mine-opgaver").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "the id from before login is worthless"
    );
    // Logout deletes the session: its id no longer works anywhere.
    let mut copy = Browser::new(&p);
    copy.cookies.insert(SESSION.into(), second);
    assert_eq!(copy.get("/sekretariat").await.status, StatusCode::OK);
    let r = b.post("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key(SESSION), "the cookie is removed");
    let r = copy.get("/sekretariat").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
}

#[tokio::test]
async fn a_session_idle_longer_than_the_timeout_is_refused() {
    let mut config = test_config();
    config.sessions = SessionConfig {
        idle_timeout: Duration::from_secs(1),
        absolute_lifetime: Duration::from_secs(3600),
    };
    let p = portal_with(config).await;
    let mut b = Browser::login(&p, "admin").await;
    assert_eq!(b.get("/sekretariat").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = b.get("/sekretariat").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "expired after a second without requests"
    );
    assert!(r.location().starts_with("/login"));
}

#[tokio::test]
async fn a_session_older_than_its_lifetime_is_refused_however_active() {
    let mut config = test_config();
    config.sessions = SessionConfig {
        idle_timeout: Duration::from_secs(3600),
        absolute_lifetime: Duration::from_secs(2),
    };
    let p = portal_with(config).await;
    let mut b = Browser::login(&p, "admin").await;
    let mut refused_after = None;
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if b.get("/sekretariat").await.status != StatusCode::OK {
            refused_after = Some(start.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let after = refused_after.expect("the session ended");
    assert!(
        after >= Duration::from_millis(1500),
        "not before its time: {after:?}"
    );
    // And it stays ended.
    assert_eq!(b.get("/sekretariat").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_cookies_are_secure_when_the_portal_is_reached_over_https() {
    let mut config = test_config();
    config.public_base_url = "https://valg.korsbaek.dk".into();
    let p = portal_with(config).await;
    let mut b = Browser::new(&p);
    let page = b.get("/login").await;
    assert!(
        page.set_cookies().iter().all(|c| c.contains("Secure")),
        "{:?}",
        page.set_cookies()
    );
    let r = b
        .post("/login", &[("identitet", "admin"), ("next", "/")])
        .await;
    let cookies = session_cookies(&r);
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].contains("Secure") && cookies[0].contains("HttpOnly"));
    assert!(cookies[0].contains("SameSite=Lax"));
    // Plain http: not Secure (a browser would drop it).
    let p = portal().await;
    let mut b = Browser::new(&p);
    b.get("/login").await;
    let r = b
        .post("/login", &[("identitet", "admin"), ("next", "/")])
        .await;
    assert!(!session_cookies(&r)[0].contains("Secure"));
}

#[tokio::test]
async fn sessions_live_in_the_sqlite_file_and_expired_ones_are_deleted() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("portal.db");
    let store = Arc::new(valghalla::sqlite::SqliteStore::open(&db).expect("store"));
    let tenant = demo::tenant(store, demo::today(), "http://test")
        .await
        .expect("tenant");
    let sessions = Sessions::sqlite(&db).await.expect("sessions");
    let mut config = test_config();
    config.sessions.idle_timeout = Duration::from_secs(1);
    let state = PortalState::single(config, tenant, sessions.clone());
    let app = router(state);
    let rows = || {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.query_row("SELECT count(*) FROM portal_sessions", [], |r| {
            r.get::<_, i64>(0)
        })
        .expect("count")
    };
    let mut b = Browser::on(app.clone());
    b.get("/login").await;
    b.get("/kontakt").await;
    assert_eq!(rows(), 0, "nothing stored for an anonymous visitor");
    // A second portal on the same file knows the login (and the same cookie key). It is set up
    // before the login, so the login's one second of idle time is not spent building it.
    let other = PortalState::single(
        test_config(),
        demo::tenant(
            Arc::new(valghalla::sqlite::SqliteStore::open(&db).expect("store")),
            demo::today(),
            "http://test",
        )
        .await
        .expect("tenant"),
        Sessions::sqlite(&db).await.expect("sessions"),
    );
    let mut same = Browser::on(router(other));
    b.log_in("admin").await;
    assert_eq!(rows(), 1);
    same.cookies = b.cookies.clone();
    assert_eq!(same.get("/sekretariat").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(sessions.delete_expired().await.expect("cleanup"), 1);
    assert_eq!(rows(), 0);
}
