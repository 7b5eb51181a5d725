//! Every page's authorization for every role, CSRF, security headers, CPR privacy and form
//! errors.

use axum::http::{StatusCode, header};
use valghalla::core::model::SeatState;
use valghalla_portal::demo;

use super::common::{Browser, Portal, admin, portal, seat_of_team, slot_value};

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
        "/sekretariat/kommunikation/log".into(),
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
        || page.ends_with("/kommunikation/log")
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
    let before = p.svc.areas(&admin()).await.expect("areas").len();
    let r = b
        .post(
            "/sekretariat/stamdata/omraade",
            &[("omraade-navn", "Snydeområde")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(p.svc.areas(&admin()).await.expect("areas").len(), before);
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
    let seats = p.svc.slot_seats(&admin(), slot).await.expect("seats");
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
    let before = p.svc.areas(&admin()).await.expect("areas").len();
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
    assert_eq!(p.svc.areas(&admin()).await.expect("areas").len(), before);
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
        p.svc.areas(&admin()).await.expect("areas").len(),
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
    // One script, from the portal itself (a link field selects itself on focus); nothing inline,
    // and the policy allows nothing else.
    assert_eq!(r.body.matches("<script").count(), 1, "one script");
    assert!(
        r.body
            .contains("<script src=\"/static/portal.js\" defer></script>")
    );
    let csp = r
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe"),
        "{csp}"
    );
}

#[tokio::test]
async fn a_cpr_number_is_posted_never_put_in_a_url() {
    let p = portal().await;
    let mut b = Browser::login(&p, "admin").await;
    let team = p.ds.teams[0].id.to_string();
    let (cpr, _, _) = demo::NEW_CITIZENS[0];
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
