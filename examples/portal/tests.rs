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
    ]
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
            let want = if who == "laeser"
                && (page.ends_with("/links")
                    || page.ends_with("/ny")
                    || page.ends_with("/kommunikation"))
            {
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
