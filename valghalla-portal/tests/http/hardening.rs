//! What an attacker or a confused browser meets: `next` only ever leads to a same-site path,
//! login attempts are limited, every error is a Danish page with a way back, bodies are
//! limited, and `/healthz` says whether the store answers.

use axum::http::StatusCode;

use super::common::{Browser, portal, portal_with, test_config};
use valghalla_portal::LoginLimits;

/// The value of the login form's hidden `next` field.
fn next_field(body: &str) -> String {
    let marker = "name=\"next\" value=\"";
    let at = body.find(marker).map(|i| i + marker.len()).unwrap_or(0);
    body[at..at + body[at..].find('"').unwrap_or(0)].to_owned()
}

/// Every way to smuggle another site into `next` that browsers are known to accept.
const OFF_SITE: [&str; 12] = [
    "//evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%5cevil.example",
    "%5c%5cevil.example",
    "https://evil.example",
    "http:evil.example",
    "evil.example",
    "/%20/evil.example",
    "/%00",
    "/%7f",
];

#[tokio::test]
async fn next_on_the_login_page_is_only_ever_a_same_site_path() {
    let p = portal().await;
    for bad in OFF_SITE {
        let mut b = Browser::new(&p);
        let page = b.get(&format!("/login?next={bad}")).await;
        assert_eq!(page.status, StatusCode::OK, "{bad}: {}", page.body);
        assert_eq!(next_field(&page.body), "/", "{bad}");
    }
    let mut b = Browser::new(&p);
    let page = b.get("/login?next=/sekretariat/deltagere").await;
    assert_eq!(next_field(&page.body), "/sekretariat/deltagere");
}

#[tokio::test]
async fn next_after_login_is_only_ever_a_same_site_path() {
    let p = portal().await;
    let decoded = [
        "//evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "/ /evil.example",
        "/\u{0}",
        "/\u{1b}x",
        "/\u{7f}",
        "evil.example",
    ];
    for bad in decoded {
        let mut b = Browser::new(&p);
        b.get("/login").await;
        let r = b
            .post("/login", &[("identitet", "admin"), ("next", bad)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{bad:?}: {}", r.body);
        assert_eq!(r.location(), "/", "{bad:?}");
    }
    let mut b = Browser::new(&p);
    b.get("/login").await;
    let r = b
        .post(
            "/login",
            &[("identitet", "admin"), ("next", "/sekretariat/log")],
        )
        .await;
    assert_eq!(r.location(), "/sekretariat/log");
}

#[tokio::test]
async fn login_attempts_are_limited_per_identity() {
    let mut config = test_config();
    config.login_limits = LoginLimits {
        per_identity_burst: 3,
        per_identity_every: std::time::Duration::from_secs(3600),
        ..config.login_limits
    };
    let p = portal_with(config).await;
    for _ in 0..3 {
        Browser::login(&p, "admin").await;
    }
    let mut b = Browser::new(&p);
    b.get("/login").await;
    let r = b
        .post("/login", &[("identitet", "admin"), ("next", "/")])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("For mange forsøg"), "{}", r.body);
    assert!(
        !r.headers
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.starts_with("vh_session=")))
    );
    // Another identity is not held up by it.
    Browser::login(&p, "laeser").await;
}

#[tokio::test]
async fn login_attempts_are_limited_per_address() {
    let mut config = test_config();
    config.login_limits = LoginLimits {
        per_address_burst: 3,
        per_address_every: std::time::Duration::from_secs(3600),
        ..config.login_limits
    };
    let p = portal_with(config).await;
    let from = |last: u8| {
        let mut b = Browser::new(&p);
        b.client = Some(([192, 0, 2, last], 40000).into());
        b
    };
    for who in ["admin", "laeser", "borger1"] {
        from(7).log_in(who).await;
    }
    let mut b = from(7);
    b.get("/login").await;
    let r = b
        .post("/login", &[("identitet", "borger2"), ("next", "/")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a fourth identity from the same address"
    );
    // Another address is not held up by it.
    from(8).log_in("borger2").await;
}

#[tokio::test]
async fn errors_are_danish_pages_with_a_way_back() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    // 404.
    let r = b.get("/findes-ikke").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Siden findes ikke") && r.body.contains("href=\"/\""));
    assert!(r.body.contains("Log ud"), "the viewer's menu is there");
    // 405: a form's address opened as a page links back to the page of the form.
    let r = b.get("/sekretariat/stamdata/omraade").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.body.contains("lang=\"da\""), "{}", r.body);
    assert!(
        r.body.contains("href=\"/sekretariat/stamdata\""),
        "{}",
        r.body
    );
    // 400: a form that does not parse.
    let r = b.post("/sekretariat/pladser/ikke-et-id/inviter", &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Ugyldig forespørgsel"), "{}", r.body);
    // 403.
    let mut c = Browser::login(&p, "borger1").await;
    let r = c.get("/sekretariat").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Ingen adgang") && r.body.contains("href=\"/\""));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let mut config = test_config();
    config.max_body_bytes = 4096;
    let p = portal_with(config).await;
    let mut b = Browser::login(&p, "admin").await;
    let big = "x".repeat(10_000);
    let r = b
        .post("/sekretariat/stamdata/omraade", &[("omraade-navn", &big)])
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("For meget på én gang"), "{}", r.body);
    assert!(
        !p.svc
            .areas(&super::common::admin())
            .await
            .expect("areas")
            .iter()
            .any(|a| a.name.as_str().starts_with("xxx"))
    );
}

#[tokio::test]
async fn healthz_answers_when_the_store_answers() {
    let p = portal().await;
    let mut b = Browser::new(&p);
    let r = b.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "ok");
    assert!(r.set_cookies().is_empty(), "no session, no cookie");
}
