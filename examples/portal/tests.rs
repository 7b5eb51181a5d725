//! HTTP-level tests: every page's authorization, CSRF, security headers, CPR privacy and form
//! errors, through `tower::ServiceExt::oneshot` on the router over the memory store.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;
use valghalla::core::memory::MemoryStore;
use valghalla::core::model::{SeatState, SlotKey};
use valghalla::core::rules::access::{Actor, StaffRole};
use valghalla::core::service::SpecialDietDraft;
use valghalla::core::testkit::generator::Dataset;

use crate::app;
use crate::secretariat::slot_value;
use crate::seed;
use crate::web::{SESSION_COOKIE, Shared};

struct Portal {
    state: Shared,
    app: Router,
    ds: Dataset,
}

async fn portal() -> Portal {
    let today = seed::today();
    let state = app::demo_state(Arc::new(MemoryStore::new()), today, "http://test")
        .await
        .expect("demo state");
    Portal {
        app: app::router(state.clone()),
        state,
        ds: seed::korsbaek(today).expect("dataset"),
    }
}

fn admin() -> Actor {
    Actor::Secretariat {
        user: "test".into(),
        role: StaffRole::Administrator,
    }
}

/// A browser: a cookie jar of one cookie and the last CSRF token seen.
struct Browser {
    app: Router,
    cookie: Option<String>,
    csrf: String,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

fn csrf_in(body: &str) -> Option<String> {
    let at = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let rest = &body[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl Browser {
    fn new(p: &Portal) -> Browser {
        Browser {
            app: p.app.clone(),
            cookie: None,
            csrf: String::new(),
        }
    }

    async fn send(&mut self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        if let Some(c) = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            && let Some(v) = c
                .split(';')
                .next()
                .and_then(|kv| kv.strip_prefix(&format!("{SESSION_COOKIE}=")))
        {
            self.cookie = (!v.is_empty()).then(|| v.to_owned());
        }
        let body =
            String::from_utf8_lossy(&to_bytes(res.into_body(), usize::MAX).await.expect("body"))
                .into_owned();
        if let Some(t) = csrf_in(&body) {
            self.csrf = t;
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, format!("{SESSION_COOKIE}={c}"));
        }
        b
    }

    async fn get(&mut self, path: &str) -> Reply {
        let req = self
            .request("GET", path)
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    async fn post_raw(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(pairs).expect("form");
        let req = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(pairs);
        self.post_raw(path, &all).await
    }

    async fn login(p: &Portal, who: &str) -> Browser {
        let mut b = Browser::new(p);
        let page = b.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let r = b.post("/login", &[("identitet", who), ("next", "/")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login as {who}");
        b.get("/login").await; // the new session's token
        b
    }
}

fn secretariat_pages(p: &Portal) -> Vec<String> {
    let e = p.ds.election.id;
    let loc = p.ds.work_locations[0].id;
    let someone = p.ds.participants[5].id;
    vec![
        "/sekretariat".into(),
        format!("/sekretariat/valg/{e}/oversigt"),
        format!("/sekretariat/valg/{e}/deltagerliste"),
        format!("/sekretariat/valg/{e}/fordeling/{loc}"),
        format!("/sekretariat/valg/{e}/valgsted/{loc}"),
        "/sekretariat/deltagere".into(),
        "/sekretariat/deltagere/ny".into(),
        format!("/sekretariat/deltagere/{someone}"),
        "/sekretariat/stamdata".into(),
        "/sekretariat/links".into(),
        "/sekretariat/log".into(),
        "/sekretariat/kommunikation".into(),
        format!("/sekretariat/valg/{e}/fordelingsforslag"),
        format!("/sekretariat/valg/{e}/skabeloner"),
        format!("/sekretariat/valg/{e}/skabeloner/ny"),
    ]
}

/// Pages only secretariat administrators may see (readers change nothing).
fn admin_only(page: &str) -> bool {
    page.ends_with("/links")
        || page.ends_with("/ny")
        || page.ends_with("/kommunikation")
        || page.ends_with("/fordelingsforslag")
        || page.contains("/skabeloner")
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let p = portal().await;
    let mut b = Browser::new(&p);
    let team = p.ds.teams[0].id;
    let loc = p.ds.work_locations[0].id;
    let mut pages = secretariat_pages(&p);
    pages.extend([
        format!("/parti/{team}"),
        "/parti".into(),
        "/arbejdssted".into(),
        format!("/arbejdssted/{loc}"),
        "/mine-opgaver".into(),
        "/min-profil".into(),
    ]);
    for page in pages {
        let r = b.get(&page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert!(r.location().starts_with("/login?next="), "{page}");
    }
}

#[tokio::test]
async fn staff_see_the_secretariat_pages() {
    let p = portal().await;
    for who in ["admin", "laeser"] {
        let mut b = Browser::login(&p, who).await;
        for page in secretariat_pages(&p) {
            let r = b.get(&page).await;
            let want = if who == "laeser" && admin_only(&page) {
                StatusCode::FORBIDDEN // readers change nothing: no links, no new participants
            } else {
                StatusCode::OK
            };
            assert_eq!(r.status, want, "{who} on {page}");
            if want != StatusCode::OK {
                continue;
            }
            assert!(r.body.contains("lang=\"da\""));
            assert!(r.body.contains("Demo:"), "the demo banner is on every page");
        }
    }
}

#[tokio::test]
async fn citizens_are_refused_the_secretariat_pages_and_commands() {
    let p = portal().await;
    let mut b = Browser::login(&p, "borger1").await;
    for page in secretariat_pages(&p) {
        let r = b.get(&page).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{page}");
        assert!(r.body.contains("Ingen adgang"));
        assert!(
            r.body.contains("Demo:"),
            "error pages carry the demo banner too"
        );
    }
    let before = p.state.svc.areas(&admin()).await.expect("areas").len();
    let r = b
        .post(
            "/sekretariat/stamdata/omraade",
            &[("omraade-navn", "Snydeområde")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        p.state.svc.areas(&admin()).await.expect("areas").len(),
        before
    );
    // Their own pages work.
    assert_eq!(b.get("/mine-opgaver").await.status, StatusCode::OK);
    assert_eq!(b.get("/min-profil").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_participant_list_has_a_column_chooser_and_cpr_only_for_administrators() {
    let p = portal().await;
    let e = p.ds.election.id;
    let url = format!("/sekretariat/valg/{e}/deltagerliste?kolonne=name&kolonne=cpr");
    let mut a = Browser::login(&p, "admin").await;
    let r = a.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<th scope=\"col\">CPR-nummer</th>"));
    assert!(!r.body.contains("<th scope=\"col\">Mobil</th>"));
    let mut reader = Browser::login(&p, "laeser").await;
    let r = reader.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<th scope=\"col\">CPR-nummer</th>"));
    assert!(r.body.contains("<th scope=\"col\">Navn</th>"));
}

#[tokio::test]
async fn group_messages_are_previewed_then_queued_and_logged() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let page = b.get("/sekretariat/kommunikation").await;
    assert_eq!(page.status, StatusCode::OK);
    let e = p.ds.election.id.to_string();
    let team = p.ds.teams[0].id.to_string();
    let form = [
        ("valg", e.as_str()),
        ("team", team.as_str()),
        ("status", "accepteret"),
        ("emne", "Husk madpakken"),
        ("tekst", "Vi ses på valgdagen."),
    ];
    let mut preview = form.to_vec();
    preview.push(("handling", "vis"));
    let r = b.post("/sekretariat/kommunikation/gruppe", &preview).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Modtagere ("));
    let mut send = form.to_vec();
    send.push(("handling", "send"));
    let r = b.post("/sekretariat/kommunikation/gruppe", &send).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get("/sekretariat/kommunikation").await;
    assert!(page.body.contains("beskeder er sat i kø"));
    assert!(page.body.contains("Gruppebesked"));
    // An empty text is refused next to the field, nothing is queued.
    let mut bad = send.clone();
    bad.retain(|(k, _)| *k != "tekst");
    let r = b.post("/sekretariat/kommunikation/gruppe", &bad).await;
    assert!(r.body.contains("href=\"#tekst\""));
    // Citizens and readers may not.
    let mut c = Browser::login(&p, "borger1").await;
    assert_eq!(
        c.get("/sekretariat/kommunikation").await.status,
        StatusCode::FORBIDDEN
    );
    let mut reader = Browser::login(&p, "laeser").await;
    assert_eq!(
        reader.get("/sekretariat/kommunikation").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn readers_change_nothing() {
    let p = portal().await;
    let mut b = Browser::login(&p, "laeser").await;
    let r = b
        .post(
            "/sekretariat/stamdata/omraade",
            &[("omraade-navn", "Læserområde")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let someone = p.ds.participants[5].id;
    let page = b.get(&format!("/sekretariat/deltagere/{someone}")).await;
    let full = p.ds.participants[5].cpr.reveal_dashed();
    assert!(
        !page.body.contains(&full),
        "a reader never sees a full CPR number"
    );
    let mut a = Browser::login(&p, "admin").await;
    let page = a.get(&format!("/sekretariat/deltagere/{someone}")).await;
    assert!(page.body.contains(&full), "an administrator does");
}

fn seat_of_team(p: &Portal, team_index: usize) -> (SlotKey, valghalla::core::ids::SeatId) {
    let team = p.ds.teams[team_index].id;
    let s =
        p.ds.seats
            .iter()
            .find(|s| s.slot.team == team && s.state == SeatState::Vacant)
            .expect("a vacant seat of the team");
    (s.slot, s.id)
}

#[tokio::test]
async fn a_party_secretary_only_reaches_their_own_party() {
    let p = portal().await;
    let mut b = Browser::login(&p, "partisekretaer").await;
    let a = p.ds.teams[0].id;
    let other = p.ds.teams[1].id;
    let r = b.get(&format!("/parti/{a}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(&p.ds.participants[0].cpr.reveal_dashed()));
    assert_eq!(
        b.get(&format!("/parti/{other}")).await.status,
        StatusCode::FORBIDDEN
    );
    // A crafted POST placing one of party A's members into party B's seat.
    let (slot, seat) = seat_of_team(&p, 1);
    let member =
        p.ds.participants
            .iter()
            .find(|m| m.teams.contains(&a))
            .expect("a member")
            .id;
    let member_s = member.to_string();
    let slot_s = slot_value(&slot);
    for path in [
        format!("/parti/{a}/placer"),
        format!("/parti/{other}/placer"),
    ] {
        let r = b
            .post(&path, &[("plads", &slot_s), ("deltager", &member_s)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = b
        .post(
            &format!("/parti/{other}/links"),
            &[("type", "plads"), ("plads", &slot_s)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post(&format!("/parti/{other}/links"), &[("type", "team")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The secretariat's seat commands are refused too.
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/inviter"),
            &[("deltager", &member_s)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let seats = p.state.svc.slot_seats(&admin(), slot).await.expect("seats");
    let still = seats.iter().find(|s| s.id == seat).expect("the seat");
    assert_eq!(still.state, SeatState::Vacant, "nothing changed");
    // A work-location page they are not responsible for.
    let loc = p.ds.work_locations[0].id;
    assert_eq!(
        b.get(&format!("/arbejdssted/{loc}")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_location_responsible_sees_their_staff_only() {
    let p = portal().await;
    let mut b = Browser::login(&p, "arbejdssted").await;
    let mine =
        p.ds.work_locations
            .iter()
            .find(|l| !l.responsibles.is_empty())
            .expect("a location with a responsible")
            .id;
    let other =
        p.ds.work_locations
            .iter()
            .find(|l| l.responsibles.is_empty())
            .expect("a location without")
            .id;
    let r = b.get(&format!("/arbejdssted/{mine}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Personale"));
    assert_eq!(
        b.get(&format!("/arbejdssted/{other}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.get(&format!("/parti/{}", p.ds.teams[0].id)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn posts_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let before = p.state.svc.areas(&admin()).await.expect("areas").len();
    let r = b
        .post_raw(
            "/sekretariat/stamdata/omraade",
            &[("omraade-navn", "Uden nøgle")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post_raw(
            "/sekretariat/stamdata/omraade",
            &[("csrf", "forkert"), ("omraade-navn", "Forkert nøgle")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another session's token does not work either.
    let other = Browser::login(&p, "laeser").await;
    let r = b
        .post_raw(
            "/sekretariat/stamdata/omraade",
            &[
                ("csrf", other.csrf.as_str()),
                ("omraade-navn", "Lånt nøgle"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        p.state.svc.areas(&admin()).await.expect("areas").len(),
        before
    );
    // Logging out needs the token too.
    let r = b.post_raw("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // With the token it works.
    let r = b
        .post(
            "/sekretariat/stamdata/omraade",
            &[("omraade-navn", "Midtby")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.state.svc.areas(&admin()).await.expect("areas").len(),
        before + 1
    );
    // A POST with no session at all.
    let mut anon = Browser::new(&p);
    let r = anon.post_raw("/login", &[("identitet", "admin")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn every_response_has_the_security_headers_and_a_safe_cookie() {
    let p = portal().await;
    let mut b = Browser::new(&p);
    for path in ["/login", "/findes-ikke", "/sekretariat"] {
        let r = b.get(path).await;
        let h = &r.headers;
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(
            h.get(header::X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert!(h.get(header::REFERRER_POLICY).is_some());
    }
    let r = b.get("/login").await;
    let _ = r;
    let mut fresh = Browser::new(&p);
    let r = fresh.get("/login").await;
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(!r.body.contains("<script"), "no scripts at all");
}

#[tokio::test]
async fn a_cpr_number_is_posted_never_put_in_a_url() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let team = p.ds.teams[0].id.to_string();
    let (cpr, _, _) = seed::NEW_CITIZENS[0];
    let r = b
        .post(
            "/sekretariat/deltagere",
            &[("cpr", cpr), ("mobil", "20304050"), ("team", &team)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().starts_with("/sekretariat/deltagere/"));
    assert!(!r.location().contains(&cpr[..6]));
    let page = b.get(r.location()).await;
    assert!(page.body.contains("Agnes Varnæs"));
    // The same number again is refused next to the field, in Danish.
    let r = b
        .post(
            "/sekretariat/deltagere",
            &[("cpr", cpr), ("mobil", "20304050"), ("team", &team)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("findes allerede"));
    assert!(r.body.contains("href=\"#cpr\""));
}

#[tokio::test]
async fn bad_input_is_shown_next_to_the_field_and_nothing_is_saved() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let e = p.ds.election.id;
    let loc = p.ds.work_locations[0].id;
    let day = p.ds.election.election_day();
    let team = p.ds.teams[0].id;
    let tt = p.ds.task_types[0].id;
    let good = format!("n_{day}_{team}_{tt}");
    let bad = format!("n_{day}_{}_{tt}", p.ds.teams[1].id);
    let before = p
        .state
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordeling/{loc}"),
            &[(good.as_str(), "7"), (bad.as_str(), "mange")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"));
    assert!(r.body.contains("angiv et helt tal"));
    assert!(r.body.contains(&format!("href=\"#{bad}\"")));
    let after = p
        .state
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    assert_eq!(before, after, "nothing saved");
    // Bad contact details on the participant form.
    let r = b
        .post(
            "/sekretariat/deltagere",
            &[("cpr", "123"), ("mobil", "12"), ("email", "ikke-en-mail")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for id in ["#cpr", "#mobil", "#email", "#team-0"] {
        assert!(r.body.contains(&format!("href=\"{id}\"")), "{id}");
    }
}

#[tokio::test]
async fn a_citizen_signs_up_through_a_link_takes_a_seat_and_withdraws() {
    let p = portal().await;
    let team = p.ds.teams[0].id;
    let link = p
        .state
        .svc
        .create_link(
            &admin(),
            valghalla::core::model::LinkKind::Vacancies(valghalla::core::model::VacancyFilter {
                election: p.ds.election.id,
                team,
                areas: Default::default(),
                work_locations: Default::default(),
                task_types: Default::default(),
                dates: Default::default(),
                include_trusted: false,
            }),
        )
        .await
        .expect("link");
    let path = format!("/link/{}", link.token.as_str());
    let mut anon = Browser::new(&p);
    let page = anon.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Log ind for at melde dig"));
    let mut b = Browser::login(&p, "ny1").await;
    let page = b.get(&path).await;
    let at = page
        .body
        .find("name=\"plads\" value=\"")
        .expect("a vacancy")
        + 20;
    let slot = page.body[at..at + page.body[at..].find('"').expect("end")].to_owned();
    let r = b.post(&format!("{path}/tag"), &[("plads", &slot)]).await;
    assert_eq!(r.location(), format!("{path}/tilmeld"));
    b.get(&format!("{path}/tilmeld")).await;
    let r = b
        .post(&format!("{path}/tilmeld"), &[("mobil", "ikke et nummer")])
        .await;
    assert!(r.body.contains("href=\"#mobil\""), "bad mobile refused");
    let r = b
        .post(&format!("{path}/tilmeld"), &[("mobil", "31415926")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    b.get(&path).await;
    let r = b.post(&format!("{path}/tag"), &[("plads", &slot)]).await;
    assert_eq!(r.location(), "/mine-opgaver");
    let tasks = b.get("/mine-opgaver").await;
    assert!(tasks.body.contains("Accepteret"));
    assert!(tasks.body.contains("Sidste dag du kan melde fra"));
    let at = tasks.body.find("/frameld\"").expect("withdraw form");
    let start = tasks.body[..at].rfind("/mine-opgaver/").expect("seat");
    let action = tasks.body[start..at + 8].to_owned();
    let r = b.post(&action, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}");
    let tasks = b.get("/mine-opgaver").await;
    assert!(tasks.body.contains("Du er meldt fra"));
}

fn vacant_total(body: &str) -> u32 {
    let at = body.find("id=\"i-alt\"").expect("totals");
    let rest = &body[at..];
    let end = rest.find(" ledige").expect("ledige");
    let start = rest[..end].rfind('>').expect("span") + 1;
    rest[start..end].trim().parse().expect("a number")
}

#[tokio::test]
async fn the_overview_follows_each_change_at_once() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let e = p.ds.election.id;
    let url = format!("/sekretariat/valg/{e}/oversigt");
    let before = vacant_total(&b.get(&url).await.body);
    // A cached overview is served again …
    assert_eq!(vacant_total(&b.get(&url).await.body), before);
    // … until a change: five more seats at the first station.
    let loc = p.ds.work_locations[0].id;
    let day = p.ds.election.election_day();
    let team = p.ds.teams[2].id;
    let tt = p.ds.task_types[0].id;
    let current = p
        .state
        .svc
        .slot_seats(
            &admin(),
            SlotKey {
                election: e,
                work_location: loc,
                task_type: tt,
                team,
                date: day,
            },
        )
        .await
        .expect("seats")
        .len();
    let cell = format!("n_{day}_{team}_{tt}");
    let n = (current + 5).to_string();
    b.get(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
        .await;
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordeling/{loc}"),
            &[(cell.as_str(), n.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(vacant_total(&b.get(&url).await.body), before + 5);
    // The reader sees the same numbers.
    let mut reader = Browser::login(&p, "laeser").await;
    assert_eq!(vacant_total(&reader.get(&url).await.body), before + 5);
}

#[tokio::test]
async fn the_secretariat_invites_answers_on_behalf_removes_and_sees_kept_seats() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let team = p.ds.teams[0].id;
    let (slot, seat) = seat_of_team(&p, 0);
    let free =
        p.ds.participants
            .iter()
            .find(|m| {
                m.teams.contains(&team)
                    && m.person.municipality.is_some()
                    && !p
                        .ds
                        .seats
                        .iter()
                        .any(|s| s.state.participant() == Some(m.id))
                    && !p
                        .ds
                        .teams
                        .iter()
                        .any(|t| t.responsibles.contains_key(&m.id))
            })
            .expect("a member without seats")
            .id
            .to_string();
    let station = format!(
        "/sekretariat/valg/{}/valgsted/{}",
        slot.election, slot.work_location
    );
    let page = b.get(&station).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/inviter"),
            &[("deltager", &free), ("tilbage", &station)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), station);
    let page = b.get(&station).await;
    assert!(page.body.contains("Invitationen er sendt"));
    assert!(page.body.contains("Accepter på vegne"));
    // The grid cannot remove the invited seat: it says so.
    let cell = format!("n_{}_{}_{}", slot.date, slot.team, slot.task_type);
    let grid = format!(
        "/sekretariat/valg/{}/fordeling/{}",
        slot.election, slot.work_location
    );
    let r = b.post(&grid, &[(cell.as_str(), "0")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("blev ikke fjernet"), "kept_taken is shown");
    // Answer yes on their behalf, then remove them.
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/svar"),
            &[("svar", "ja"), ("tilbage", &station)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let seats = p.state.svc.slot_seats(&admin(), slot).await.expect("seats");
    assert!(matches!(
        seats.iter().find(|s| s.id == seat).map(|s| &s.state),
        Some(SeatState::Accepted { .. })
    ));
    let r = b
        .post(
            &format!("/sekretariat/pladser/{seat}/fjern"),
            &[("tilbage", &station)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The seat was kept by the grid above only while taken; now it is vacant again or gone.
    let seats = p.state.svc.slot_seats(&admin(), slot).await.expect("seats");
    assert!(
        seats
            .iter()
            .all(|s| s.id != seat || s.state == SeatState::Vacant)
    );
}

#[tokio::test]
async fn auto_fill_proposes_with_reasons_and_sends_only_when_confirmed() {
    let p = portal().await;
    let e = p.ds.election.id;
    let url = format!("/sekretariat/valg/{e}/autofyld");
    let mut c = Browser::login(&p, "borger1").await;
    assert_eq!(c.get(&url).await.status, StatusCode::FORBIDDEN);
    let r = c.post(&url, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut b = Browser::login(&p, "admin").await;
    assert_eq!(b.get(&url).await.status, StatusCode::OK);
    let before = p
        .state
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    let r = b.post(&url, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Forslag:"));
    assert!(r.body.contains("Pladser der forbliver ledige"));
    let proposed = p
        .state
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    assert_eq!(before, proposed, "a proposal sends nothing");
    let r = b.post(&format!("{url}/bekraeft"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("invitationer er sendt"));
    let after = p
        .state
        .svc
        .overview(&admin(), e, &Default::default())
        .await
        .expect("overview")
        .totals;
    assert!(after.invited > before.invited);
    // Confirming again without a new proposal does nothing.
    let r = b.post(&format!("{url}/bekraeft"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------- distribution from the council

use valghalla::core::apportion::Method;
use valghalla::core::apportion::staffing::{
    CouncilGroup, CouncilInput, Roles, StationInput, TieBreak, propose_staffing,
};
use valghalla::core::ids::{TaskTypeId, TeamId, WorkLocationId};
use valghalla::core::model::TeamKind;

/// The party teams and the election's stations in the order the portal lists them.
async fn council_order(p: &Portal) -> (Vec<TeamId>, Vec<WorkLocationId>) {
    let teams = p
        .state
        .svc
        .teams(&admin())
        .await
        .expect("teams")
        .into_iter()
        .filter(|t| t.kind == TeamKind::Party)
        .map(|t| t.id)
        .collect();
    let stations = p
        .state
        .svc
        .work_locations(&admin())
        .await
        .expect("stations")
        .into_iter()
        .filter(|l| p.ds.election.work_locations.contains(&l.id))
        .map(|l| l.id)
        .collect();
    (teams, stations)
}

fn task_type(p: &Portal, title: &str) -> TaskTypeId {
    p.ds.task_types
        .iter()
        .find(|t| t.title.as_str() == title)
        .expect("task type")
        .id
}

const MEMBERS: [u32; 10] = [9, 7, 5, 3, 2, 1, 0, 0, 0, 0];

/// The council form as a secretary fills it in: `MEMBERS`, 7 valgstyrere and 4 tilforordnede
/// per station, d'Hondt, ties by list order, election day.
async fn council_fields(p: &Portal) -> Vec<(String, String)> {
    let (teams, stations) = council_order(p).await;
    let mut f: Vec<(String, String)> = teams
        .iter()
        .zip(MEMBERS)
        .map(|(t, m)| (format!("medlemmer-{t}"), m.to_string()))
        .collect();
    for l in &stations {
        f.push((format!("vs-{l}"), "7".into()));
        f.push((format!("tf-{l}"), "4".into()));
    }
    for (field, title) in [
        ("formand", "Valgstyrerformand"),
        ("valgstyrer", "Valgstyrer"),
        ("tilforordnet", "Tilforordnet"),
    ] {
        f.push((field.into(), task_type(p, title).to_string()));
    }
    f.push(("metode".into(), "dhondt".into()));
    f.push(("stemmelighed".into(), "raekkefoelge".into()));
    f.push(("dato".into(), p.ds.election.election_day().to_string()));
    f.push(("fra".into(), stations[0].to_string()));
    f
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn with(f: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    f.iter()
        .map(|(k, v)| {
            let v = if k == name { value } else { v.as_str() };
            (k.clone(), v.to_owned())
        })
        .collect()
}

/// The text between `start` and the next `end` ("" when `start` is missing).
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let Some(at) = body.find(start) else {
        return "";
    };
    let rest = &body[at + start.len()..];
    &rest[..rest.find(end).unwrap_or(0)]
}

fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker).expect("the hidden field") + marker.len();
    body[at..at + body[at..].find('"').expect("end")].to_owned()
}

async fn totals(p: &Portal) -> valghalla::core::service::Counts {
    p.state
        .svc
        .overview(&admin(), p.ds.election.id, &Default::default())
        .await
        .expect("overview")
        .totals
}

#[tokio::test]
async fn a_distribution_from_the_council_is_shown_with_its_differences_and_applied_only_when_confirmed()
 {
    let p = portal().await;
    let e = p.ds.election.id;
    let day = p.ds.election.election_day();
    let (teams, stations) = council_order(&p).await;
    let mut b = Browser::login(&p, "admin").await;
    let grid = format!("/sekretariat/valg/{e}/fordeling/{}", stations[0]);
    let page = b.get(&grid).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Foreslå fordeling ud fra kommunalbestyrelsens sammensætning")
    );
    assert!(page.body.contains(&format!(
        "action=\"/sekretariat/valg/{e}/fordelingsforslag\""
    )));
    // The method is a choice, d'Hondt by default.
    assert!(page.body.contains("<option value=\"dhondt\" selected>"));
    assert!(page.body.contains("<option value=\"sainte-lague\">"));

    let fields = council_fields(&p).await;
    let before = totals(&p).await;
    let roles = Roles {
        formand: task_type(&p, "Valgstyrerformand"),
        valgstyrer: task_type(&p, "Valgstyrer"),
        tilforordnet: task_type(&p, "Tilforordnet"),
    };
    let mut taken_before = std::collections::BTreeMap::new();
    for l in &stations {
        for t in &teams {
            for tt in [roles.formand, roles.valgstyrer, roles.tilforordnet] {
                let slot = SlotKey {
                    election: e,
                    work_location: *l,
                    task_type: tt,
                    team: *t,
                    date: day,
                };
                let seats = p.state.svc.slot_seats(&admin(), slot).await.expect("seats");
                let taken = seats
                    .iter()
                    .filter(|s| s.state != SeatState::Vacant)
                    .count();
                taken_before.insert((*l, *t, tt), (seats.len() as u32, taken as u32));
            }
        }
    }
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordelingsforslag"),
            &pairs(&fields),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Forslag til fordeling"));
    assert!(r.body.contains("Bekræft og anvend forslaget"));
    assert!(r.body.contains("Sådan er forslaget beregnet"));
    assert!(r.body.contains("Metode: d&#39;Hondt"));
    assert!(r.body.contains("id=\"forslag-totaler\""));
    assert!(r.body.contains("(valgstedet du kom fra)"));
    assert!(r.body.contains("Intet er gemt endnu."));
    assert_eq!(totals(&p).await, before, "a proposal saves nothing");

    // What the core proposes for the same council, by hand.
    let input = CouncilInput {
        groups: teams
            .iter()
            .zip(MEMBERS)
            .map(|(t, m)| CouncilGroup {
                name: t.to_string(),
                members: m,
                alliance: None,
                team: *t,
            })
            .collect(),
        stations: stations
            .iter()
            .map(|l| StationInput {
                work_location: *l,
                valgstyrere: 7,
                tilforordnede: 4,
            })
            .collect(),
        roles,
        method: Method::DHondt,
        rotation: 0,
        tie_break: TieBreak::InputOrder,
    };
    let expected = propose_staffing(&input).expect("a proposal");
    // 12 stations × 7 valgstyrere = 84 under ét; the biggest party's total is on the page.
    let biggest = &expected.totals[0];
    assert!(r.body.contains(&format!(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
        biggest.valgstyrere, biggest.formaend
    )));

    let key = hidden(&r.body, "noegle");
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordelingsforslag/bekraeft"),
            &[("noegle", key.as_str()), ("fra", &stations[0].to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), grid);
    for c in &expected.cells {
        let slot = SlotKey {
            election: e,
            work_location: c.work_location,
            task_type: c.task_type,
            team: c.team,
            date: day,
        };
        let now = p
            .state
            .svc
            .slot_seats(&admin(), slot)
            .await
            .expect("seats")
            .len() as u32;
        let (_, taken) = taken_before[&(c.work_location, c.team, c.task_type)];
        assert_eq!(
            now,
            c.count.max(taken),
            "taken seats are kept, the rest follows"
        );
    }
    // The grid shows the new numbers.
    let page = b.get(&grid).await;
    assert!(
        page.body
            .contains("Fordelingsforslaget er anvendt på 12 valgsteder")
    );
    for t in &teams {
        let c = expected
            .cells
            .iter()
            .find(|c| {
                c.work_location == stations[0] && c.team == *t && c.task_type == roles.formand
            })
            .expect("a cell");
        let (_, taken) = taken_before[&(stations[0], *t, roles.formand)];
        let name = format!("n_{day}_{t}_{}", roles.formand);
        assert!(
            page.body
                .contains(&format!("name=\"{name}\" value=\"{}\"", c.count.max(taken))),
            "{name}"
        );
    }
    // The numbers entered are kept for next time.
    assert!(
        page.body
            .contains(&format!("name=\"medlemmer-{}\" value=\"9\"", teams[0]))
    );
    // The proposal is used up.
    let r = b
        .post(
            &format!("/sekretariat/valg/{e}/fordelingsforslag/bekraeft"),
            &[("noegle", key.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_council_input_is_shown_next_to_the_field_and_nothing_is_proposed() {
    let p = portal().await;
    let e = p.ds.election.id;
    let (teams, stations) = council_order(&p).await;
    let mut b = Browser::login(&p, "admin").await;
    b.get(&format!("/sekretariat/valg/{e}/fordelingsforslag"))
        .await;
    let fields = council_fields(&p).await;
    let before = totals(&p).await;
    let bad = with(&fields, &format!("medlemmer-{}", teams[0]), "mange");
    let bad = with(&bad, &format!("medlemmer-{}", teams[1]), "-3");
    let bad = with(&bad, &format!("vs-{}", stations[0]), "11");
    let bad = with(&bad, &format!("tf-{}", stations[1]), "x");
    let url = format!("/sekretariat/valg/{e}/fordelingsforslag");
    let r = b.post(&url, &pairs(&bad)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"));
    assert!(r.body.contains("Intet er gemt."));
    assert!(!r.body.contains("Bekræft og anvend forslaget"));
    for (field, text) in [
        (
            format!("medlemmer-{}", teams[0]),
            "angiv antal medlemmer som et helt tal",
        ),
        (
            format!("medlemmer-{}", teams[1]),
            "antallet kan ikke være negativt.",
        ),
        (
            format!("vs-{}", stations[0]),
            "angiv et helt tal fra 5 til 9",
        ),
        (
            format!("tf-{}", stations[1]),
            "angiv et helt tal fra 0 til 500.",
        ),
    ] {
        let summary = between(&r.body, &format!("href=\"#{field}\">"), "</a>");
        let next_to = between(&r.body, &format!("id=\"{field}-fejl\">"), "</p>");
        assert!(summary.contains(text), "{field}: {summary}");
        assert_eq!(summary, next_to);
        assert!(r.body.contains(&format!("id=\"{field}\" name=\"{field}\"")));
    }
    // The summary says which party or station a message is about.
    let name = |t: TeamId| {
        p.ds.teams
            .iter()
            .find(|x| x.id == t)
            .map(|x| x.name.to_string())
            .unwrap_or_default()
    };
    assert!(r.body.contains(&format!(
        "{}: antallet kan ikke være negativt.",
        name(teams[1])
    )));
    // What was typed stays in the fields.
    assert!(r.body.contains("value=\"mange\""));
    // A council without members, and the same task type for two roles.
    let empty: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            let v = if k.starts_with("medlemmer-") {
                "0"
            } else {
                v.as_str()
            };
            (k.clone(), v.to_owned())
        })
        .collect();
    let r = b.post(&url, &pairs(&empty)).await;
    assert!(r.body.contains("Angiv mindst ét parti med medlemmer"));
    let same = with(
        &fields,
        "valgstyrer",
        &task_type(&p, "Valgstyrerformand").to_string(),
    );
    let r = b.post(&url, &pairs(&same)).await;
    assert!(r.body.contains(
        "href=\"#formand\">Formand, valgstyrer og tilforordnet skal være tre forskellige"
    ));
    // Nothing was saved and there is nothing to confirm.
    assert_eq!(totals(&p).await, before);
    let r = b.post(&format!("{url}/bekraeft"), &[("noegle", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A confirm form from an older page does not apply the newer proposal.
    let r = b.post(&url, &pairs(&fields)).await;
    assert!(r.body.contains("Bekræft og anvend forslaget"));
    let r = b
        .post(
            &format!("{url}/bekraeft"),
            &[("noegle", "et-gammelt-forslag")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("erstattet af et nyere forslag"));
    assert_eq!(totals(&p).await, before);
}

#[tokio::test]
async fn only_secretariat_administrators_may_propose_a_distribution() {
    let p = portal().await;
    let e = p.ds.election.id;
    let loc = p.ds.work_locations[0].id;
    let url = format!("/sekretariat/valg/{e}/fordelingsforslag");
    let fields = council_fields(&p).await;
    let before = totals(&p).await;
    let mut anon = Browser::new(&p);
    let r = anon.get(&url).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="));
    for who in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        assert_eq!(b.get(&url).await.status, StatusCode::FORBIDDEN, "{who}");
        let r = b.post(&url, &pairs(&fields)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        let r = b.post(&format!("{url}/bekraeft"), &[("noegle", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    // A reader sees the grid, but not the form to propose.
    let mut reader = Browser::login(&p, "laeser").await;
    let grid = reader
        .get(&format!("/sekretariat/valg/{e}/fordeling/{loc}"))
        .await;
    assert_eq!(grid.status, StatusCode::OK);
    assert!(!grid.body.contains("raadsforslag-form"));
    // An administrator without the form's CSRF token changes nothing either.
    let mut a = Browser::login(&p, "admin").await;
    let r = a.post_raw(&url, &pairs(&fields)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = a.post(&url, &pairs(&fields)).await;
    let key = hidden(&r.body, "noegle");
    let r = a
        .post_raw(
            &format!("{url}/bekraeft"),
            &[("csrf", "forkert"), ("noegle", key.as_str())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(totals(&p).await, before, "nothing applied");
}

// ---------------------------------------------------------------- message templates

use valghalla::core::messages::MessageKind;

async fn default_template(
    p: &Portal,
    kind: MessageKind,
) -> valghalla::core::service::TemplateEntry {
    p.state
        .svc
        .templates(&admin())
        .await
        .expect("templates")
        .into_iter()
        .find(|t| t.default_for == Some(kind))
        .expect("the default")
}

#[tokio::test]
async fn templates_are_edited_with_a_preview_and_chosen_per_election() {
    let p = portal().await;
    let e = p.ds.election.id;
    let list = format!("/sekretariat/valg/{e}/skabeloner");
    let mut b = Browser::login(&p, "admin").await;
    let r = b.get(&list).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Beskedskabeloner – Folketingsvalg 2026"));
    assert!(r.body.contains("Valgets skabeloner"));
    assert!(
        r.body
            .contains("<label for=\"type-invitation\">Invitation</label>")
    );
    let invitation = default_template(&p, MessageKind::Invitation).await;
    assert!(r.body.contains(invitation.template.title()));
    // The editor shows the saved template for a sample participant.
    let edit = format!("{list}/{}", invitation.id);
    let r = b.get(&edit).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("Eksempel: sådan ser beskeden ud for en deltager")
    );
    assert!(r.body.contains("Agnes Jensen"));
    // A preview of an unsaved text saves nothing.
    let subject = invitation.template.subject().to_owned();
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", "Hej !name"),
                (
                    "tekst",
                    "<p>Kære !name, vi mangler dig på !work_location.</p>",
                ),
                ("handling", "vis"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"eksempel-emne\">Hej Agnes Jensen</p>"));
    assert!(
        r.body
            .contains("Kære Agnes Jensen, vi mangler dig på Korsbæk Skole.")
    );
    // The HTML is shown as source, never as markup.
    assert!(r.body.contains("&#60;p&#62;Kære Agnes Jensen"));
    assert!(!r.body.contains("<p>Kære Agnes Jensen"));
    assert_eq!(
        default_template(&p, MessageKind::Invitation)
            .await
            .template
            .subject(),
        subject
    );
    // An unknown token is refused next to the field; nothing is saved.
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", "Hej !nmae"),
                ("tekst", "<p>Hej !name og !adresse</p>"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Der er fejl i formularen"));
    assert!(r.body.contains("href=\"#emne\">Ukendt flettefelt: !nmae."));
    assert!(
        r.body
            .contains("id=\"tekst-fejl\">Ukendt flettefelt: !adresse.")
    );
    assert!(r.body.contains("Hej !nmae"), "what was typed is kept");
    assert_eq!(
        default_template(&p, MessageKind::Invitation)
            .await
            .template
            .subject(),
        subject
    );
    // An empty subject on an e-mail template, too.
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", ""),
                ("tekst", "<p>Hej</p>"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert!(
        r.body
            .contains("href=\"#emne\">Skabelonens emne: feltet er tomt")
    );
    // A good edit is saved.
    let r = b
        .post(
            &edit,
            &[
                ("titel", invitation.template.title()),
                ("kanal", "e-mail"),
                ("emne", "Vil du hjælpe til valget, !name?"),
                ("tekst", "<p>Svar her: !invitation</p>"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), edit);
    let saved = default_template(&p, MessageKind::Invitation).await;
    assert_eq!(saved.template.subject(), "Vil du hjælpe til valget, !name?");
    let page = b.get(&edit).await;
    assert!(page.body.contains("Skabelonen er gemt."));
    assert!(
        page.body
            .contains("Vil du hjælpe til valget, Agnes Jensen?")
    );
    // A new SMS template, chosen for the election's group messages.
    let r = b
        .post(
            &format!("{list}/ny"),
            &[
                ("titel", "Kort gruppebesked"),
                ("kanal", "sms"),
                ("emne", ""),
                ("tekst", "Hej !name – husk !election."),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let own = p
        .state
        .svc
        .templates(&admin())
        .await
        .expect("templates")
        .into_iter()
        .find(|t| t.template.title() == "Kort gruppebesked")
        .expect("saved");
    assert_eq!(r.location(), format!("{list}/{}", own.id));
    let page = b.get(&list).await;
    assert!(page.body.contains("Kort gruppebesked"));
    let own_id = own.id.to_string();
    let r = b
        .post(
            &list,
            &[
                ("type-gruppebesked", own_id.as_str()),
                ("type-invitation", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let chosen = p
        .state
        .svc
        .election_templates(&admin(), e)
        .await
        .expect("choices");
    assert_eq!(chosen.per_kind.get(&MessageKind::Group), Some(&own.id));
    assert_eq!(chosen.per_kind.len(), 1);
    let page = b.get(&list).await;
    assert!(page.body.contains("Valgets skabeloner er gemt."));
    assert!(page.body.contains(&format!(
        "<option value=\"{own_id}\" selected>Kort gruppebesked</option>"
    )));
    // A title already in use is refused next to the title.
    let r = b
        .post(
            &format!("{list}/ny"),
            &[
                ("titel", "kort gruppebesked"),
                ("kanal", "sms"),
                ("tekst", "Hej"),
                ("handling", "gem"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(
        "href=\"#titel\">Skabelonens titel: &#39;kort gruppebesked&#39; bruges allerede"
    ));
    // Deleting it puts the election back on the default.
    let r = b.post(&format!("{list}/{own_id}/slet"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let chosen = p
        .state
        .svc
        .election_templates(&admin(), e)
        .await
        .expect("choices");
    assert!(chosen.per_kind.is_empty());
}

#[tokio::test]
async fn only_secretariat_administrators_may_manage_templates() {
    let p = portal().await;
    let e = p.ds.election.id;
    let invitation = default_template(&p, MessageKind::Invitation).await;
    let list = format!("/sekretariat/valg/{e}/skabeloner");
    let edit = format!("{list}/{}", invitation.id);
    let form = [
        ("titel", "Overtaget"),
        ("kanal", "sms"),
        ("tekst", "Klik her"),
        ("handling", "gem"),
    ];
    let mut anon = Browser::new(&p);
    for page in [&list, &edit] {
        let r = anon.get(page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert!(r.location().starts_with("/login?next="));
    }
    for who in ["laeser", "partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        for page in [&list, &edit, &format!("{list}/ny")] {
            assert_eq!(
                b.get(page).await.status,
                StatusCode::FORBIDDEN,
                "{who} {page}"
            );
        }
        assert_eq!(
            b.post(&edit, &form).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let r = b.post(&list, &[("type-invitation", "")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut a = Browser::login(&p, "admin").await;
    a.get(&edit).await;
    let r = a.post_raw(&edit, &form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token");
    let r = a
        .post_raw(&format!("{edit}/nulstil"), &[("csrf", "forkert")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a wrong CSRF token");
    assert_eq!(
        default_template(&p, MessageKind::Invitation).await.template,
        invitation.template,
        "nothing changed"
    );
}

// ---------------------------------------------------------------- exports

fn header_of(r: &Reply, name: header::HeaderName) -> &str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn download(b: &mut Browser, path: &str) -> (Reply, Vec<u8>) {
    let req = b.request("GET", path).body(Body::empty()).expect("request");
    let res = b.app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    let reply = Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    (reply, bytes)
}

#[tokio::test]
async fn the_participant_list_downloads_as_csv_and_xlsx_with_the_chosen_columns() {
    use valghalla::core::exchange::read_csv;
    let p = portal().await;
    let e = p.ds.election.id;
    let rows = p
        .state
        .svc
        .participant_list(&admin(), e, &Default::default())
        .await
        .expect("rows");
    let mut a = Browser::login(&p, "admin").await;
    let page = a.get(&format!("/sekretariat/valg/{e}/deltagerliste")).await;
    assert!(page.body.contains("Hent som CSV"));
    assert!(page.body.contains(&format!(
        "formaction=\"/sekretariat/valg/{e}/eksport/deltagerliste\""
    )));
    let (r, bytes) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=cpr&kolonne=worklocation&format=csv"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        header_of(&r, header::CONTENT_TYPE),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        header_of(&r, header::CONTENT_DISPOSITION),
        "attachment; filename=\"deltagerliste-folketingsvalg-2026.csv\""
    );
    assert!(bytes.starts_with(b"\xEF\xBB\xBFNavn;CPR-nummer;Arbejdssted\r\n"));
    let table = read_csv(&bytes).expect("csv");
    assert_eq!(table.headers, ["Navn", "CPR-nummer", "Arbejdssted"]);
    assert_eq!(table.rows.len(), rows.len());
    let first = &rows[0];
    let cpr =
        p.ds.participants
            .iter()
            .find(|x| x.id == first.participant)
            .expect("participant")
            .cpr
            .reveal_dashed();
    assert!(
        table
            .rows
            .iter()
            .any(|r| r.cells == [first.name.clone(), cpr.clone(), first.work_location.clone()])
    );
    // The default columns when none are chosen, as on the page.
    let (_, bytes) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste"),
    )
    .await;
    let table = read_csv(&bytes).expect("csv");
    assert_eq!(table.headers[0], "Navn");
    assert!(!table.headers.contains(&"CPR-nummer".to_owned()));
    #[cfg(feature = "xlsx")]
    {
        let (r, bytes) = download(
            &mut a,
            &format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=mobile&format=xlsx"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            header_of(&r, header::CONTENT_TYPE),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            header_of(&r, header::CONTENT_DISPOSITION),
            "attachment; filename=\"deltagerliste-folketingsvalg-2026.xlsx\""
        );
        let table = valghalla::core::exchange::read_xlsx(&bytes).expect("xlsx");
        assert_eq!(table.headers, ["Navn", "Mobil"]);
        assert_eq!(table.rows.len(), rows.len());
    }
    // Payroll (with CPR numbers only when asked for), Valg Central, party status, the register.
    for (path, disposition, first_header) in [
        (
            "eksport/loenliste?cpr=1",
            "loenliste-folketingsvalg-2026.csv",
            "Navn;CPR-nummer;Dato",
        ),
        (
            "eksport/loenliste",
            "loenliste-folketingsvalg-2026.csv",
            "Navn;Dato",
        ),
        (
            "eksport/valgcentral",
            "valgcentral-folketingsvalg-2026.csv",
            "Rolle;Navn",
        ),
        (
            "eksport/partistatus",
            "partistatus-folketingsvalg-2026.csv",
            "Parti;Bogstav",
        ),
    ] {
        let (r, bytes) = download(&mut a, &format!("/sekretariat/valg/{e}/{path}")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            header_of(&r, header::CONTENT_DISPOSITION),
            format!("attachment; filename=\"{disposition}\"")
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.starts_with(&format!("\u{feff}{first_header}")),
            "{path}: {text:.80}"
        );
    }
    let (r, bytes) = download(&mut a, "/sekretariat/deltagere/eksport?format=csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        header_of(&r, header::CONTENT_DISPOSITION),
        "attachment; filename=\"deltagere.csv\""
    );
    assert_eq!(
        read_csv(&bytes).expect("csv").rows.len(),
        p.ds.participants.len()
    );
    // An unknown list or format.
    let (r, _) = download(&mut a, &format!("/sekretariat/valg/{e}/eksport/alt")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (r, _) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste?format=pdf"),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // No link on the page carries a CPR number.
    let page = a
        .get(&format!(
            "/sekretariat/valg/{e}/deltagerliste?kolonne=name&kolonne=cpr"
        ))
        .await;
    assert!(
        page.body.contains(&cpr),
        "the administrator sees it in the table"
    );
    for href in page.body.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap_or(0)];
        for x in &p.ds.participants {
            assert!(!href.contains(&x.cpr.reveal_dashed()) && !href.contains(&x.cpr.reveal()));
        }
    }
}

#[tokio::test]
async fn exports_follow_the_access_policy() {
    let p = portal().await;
    let e = p.ds.election.id;
    let lists = [
        format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=cpr"),
        format!("/sekretariat/valg/{e}/eksport/loenliste?cpr=1"),
        format!("/sekretariat/valg/{e}/eksport/valgcentral"),
        format!("/sekretariat/valg/{e}/eksport/partistatus"),
        "/sekretariat/deltagere/eksport".to_owned(),
    ];
    let mut anon = Browser::new(&p);
    for l in &lists {
        let (r, _) = download(&mut anon, l).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(r.location().starts_with("/login?next="));
    }
    for who in ["partisekretaer", "borger1"] {
        let mut b = Browser::login(&p, who).await;
        for l in &lists {
            let (r, _) = download(&mut b, l).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {l}");
            assert!(header_of(&r, header::CONTENT_DISPOSITION).is_empty());
        }
    }
    // Readers may read, not export, and never get CPR numbers; the party status has none.
    let mut reader = Browser::login(&p, "laeser").await;
    for l in &lists[..3] {
        let (r, _) = download(&mut reader, l).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
    let (r, _) = download(&mut reader, &lists[4]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (r, bytes) = download(&mut reader, &lists[3]).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&bytes);
    for x in &p.ds.participants {
        assert!(!text.contains(&x.cpr.reveal_dashed()));
    }
    let page = reader
        .get(&format!("/sekretariat/valg/{e}/deltagerliste"))
        .await;
    assert!(
        !page.body.contains("Hent som CSV"),
        "no buttons for what they may not"
    );
}

#[tokio::test]
async fn a_cell_that_would_run_as_a_formula_is_quoted_in_the_csv() {
    let p = portal().await;
    let e = p.ds.election.id;
    let diet = p
        .state
        .svc
        .create_special_diet(
            &admin(),
            SpecialDietDraft {
                title: "=HYPERLINK(\"http://x.invalid\";\"Klik\")".into(),
            },
        )
        .await
        .expect("diet");
    let holder = p
        .state
        .svc
        .participant_list(&admin(), e, &Default::default())
        .await
        .expect("rows")[0]
        .clone();
    let view = p
        .state
        .svc
        .participant(&admin(), holder.participant)
        .await
        .expect("participant");
    p.state
        .svc
        .edit_participant(
            &admin(),
            holder.participant,
            view.participant.contact.clone(),
            [diet.id].into(),
            None,
            None,
        )
        .await
        .expect("edit");
    let mut a = Browser::login(&p, "admin").await;
    let (_, bytes) = download(
        &mut a,
        &format!("/sekretariat/valg/{e}/eksport/deltagerliste?kolonne=name&kolonne=specialdiets"),
    )
    .await;
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(
        text.contains(";\"'=HYPERLINK(\"\"http://x.invalid\"\";\"\"Klik\"\")\""),
        "{text:.400}"
    );
    assert!(
        !text.contains(";=") && !text.contains(";\"="),
        "no cell starts a formula"
    );
    // The file reads back as the data it came from.
    let table = valghalla::core::exchange::read_csv(&bytes).expect("csv");
    assert!(
        table
            .rows
            .iter()
            .any(|r| r.cells[1] == "=HYPERLINK(\"http://x.invalid\";\"Klik\")")
    );
}
